using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Counts the lines of a file of any size in constant memory: one buffer, allocated on first use and reused,
/// a vectorized newline search, and reads until end of file because /proc/net/nf_conntrack reports size 0.
/// A last line without a newline still counts. Not thread-safe: one instance per poll loop.
/// </summary>
internal sealed class LineCounter(ProcHandles? handles = null, int bufferSize = LineCounter.DefaultBufferSize)
{
    public const int DefaultBufferSize = 256 * 1024;

    private readonly ProcHandles _handles = handles ?? new ProcHandles();
    private byte[]? _buffer;

    public KernelResult<long> CountLines(string path)
    {
        try
        {
            SafeFileHandle file = _handles.Acquire(path);
            return KernelResult.Ok(path, CountLines(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _handles.Forget(path);
            return KernelResult.FromException(e, path);
        }
    }

    public long CountLines(SafeFileHandle handle)
    {
        byte[] buffer = _buffer ??= GC.AllocateUninitializedArray<byte>(bufferSize);
        long lines = 0;
        long offset = 0;
        byte last = (byte)'\n';
        int read;
        while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
        {
            ReadOnlySpan<byte> chunk = buffer.AsSpan(0, read);
            lines += chunk.Count((byte)'\n');
            last = chunk[^1];
            offset += read;
        }

        return last == (byte)'\n' ? lines : lines + 1;
    }
}
