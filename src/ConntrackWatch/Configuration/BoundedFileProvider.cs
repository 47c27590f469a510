using ConntrackWatch.Kernel;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace ConntrackWatch.Configuration;

/// <summary>
/// The configuration files, read safely: opened without blocking and only when they are regular files (a FIFO or
/// a device there cannot hang or flood the start), and refused beyond <see cref="MaxFileSize"/>. Whatever goes
/// wrong surfaces as the file provider's load error (<see cref="ConfigurationFileErrors"/>), which names the file:
/// the JSON provider opens a file outside its error handling, so a failure to open is handed over as a stream that
/// fails on its first read, inside it. Watching is the physical provider's.
/// </summary>
internal sealed class BoundedFileProvider(string root) : IFileProvider, IDisposable
{
    /// <summary>A configuration file is a few KiB; a larger one is a mistake, not settings.</summary>
    public const int MaxFileSize = 1024 * 1024;

    private readonly PhysicalFileProvider _physical = new(root);

    public IFileInfo GetFileInfo(string subpath) => new BoundedFileInfo(_physical.GetFileInfo(subpath), FullPath(subpath));

    /// <summary>The file's path on disk, for messages.</summary>
    public string FullPath(string subpath) => Path.Combine(root, subpath);

    public IDirectoryContents GetDirectoryContents(string subpath) => _physical.GetDirectoryContents(subpath);

    public IChangeToken Watch(string filter) => _physical.Watch(filter);

    public void Dispose() => _physical.Dispose();

    private sealed class BoundedFileInfo(IFileInfo file, string path) : IFileInfo
    {
        public bool Exists => file.Exists || Path.Exists(path); // a FIFO or a device too: refused when read

        public long Length => file.Length;

        // Null: with a physical path the JSON provider would open the file itself, blocking on a FIFO.
        public string? PhysicalPath => null;

        public string Name => file.Name;

        public DateTimeOffset LastModified => file.LastModified;

        public bool IsDirectory => file.IsDirectory;

        public Stream CreateReadStream()
        {
            try
            {
                var handle = KernelFile.OpenRead(path, "a configuration file must be a plain JSON file");
                if (RandomAccess.GetLength(handle) > MaxFileSize)
                {
                    handle.Dispose();
                    throw new KernelFileException(ReadStatus.Malformed, $"larger than {MaxFileSize / 1024} KiB, which no configuration file is");
                }

                return new FileStream(handle, FileAccess.Read, bufferSize: 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FailingStream(e);
            }
        }
    }

    /// <summary>A stream whose every read throws what opening the file threw.</summary>
    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw failure;

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw failure;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
