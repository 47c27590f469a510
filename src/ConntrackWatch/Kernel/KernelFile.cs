using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Opens the files ConntrackWatch reads and writes without ever blocking: O_NONBLOCK, so a FIFO put where a kernel
/// file should be (a ProcRoot mistake) cannot hang open(2), then only a regular file is accepted (a FIFO, a device
/// such as /dev/zero, a directory or a socket is refused). Small files are read up to a fixed size.
/// </summary>
internal static class KernelFile
{
    /// <summary>The most a small kernel file (meminfo, slabinfo, the stat file) may hold; more is not one.</summary>
    public const int SmallFileLimit = 512 * 1024;

    /// <param name="hint">What to check when the path is no regular file.</param>
    public static SafeFileHandle OpenRead(string path, string hint = "check Conntrack:ProcRoot") => Open(path, Posix.OpenReadOnly, hint);

    /// <summary>Opens a file of root's own for reading: as <see cref="OpenRead"/>, but a symbolic link is refused, not followed.</summary>
    public static SafeFileHandle OpenOwnRead(string path, string hint) => Open(path, Posix.OpenReadOnly | Posix.OpenNoFollow, hint);

    /// <summary>For writing a sysctl from the start, as "echo N &gt;" does (O_TRUNC).</summary>
    public static SafeFileHandle OpenTruncatingWrite(string path) => Open(path, Posix.OpenWriteOnly | Posix.OpenTruncate, "check Conntrack:ProcRoot");

    /// <summary>The whole of a small file, at most <see cref="SmallFileLimit"/> bytes.</summary>
    public static byte[] ReadSmall(string path)
    {
        using SafeFileHandle handle = OpenRead(path);
        byte[] buffer = new byte[16 * 1024];
        int length;
        while ((length = ProcFileReader.ReadFromStart(handle, buffer)) == buffer.Length)
        {
            if (buffer.Length > SmallFileLimit)
            {
                throw TooLarge();
            }

            Array.Resize(ref buffer, Math.Min(buffer.Length * 2, SmallFileLimit + 1));
        }

        return buffer[..length];
    }

    /// <summary>
    /// At most <paramref name="limit"/> bytes of a file from its start (a regular file or a kernel one, never a FIFO
    /// or a device), and whether it went on past them. <paramref name="noFollow"/>: never through a symbolic link.
    /// Throws what <see cref="OpenRead"/> throws.
    /// </summary>
    public static byte[] ReadUpTo(string path, int limit, out bool cut, bool noFollow = false)
    {
        using SafeFileHandle handle = noFollow ? OpenOwnRead(path, "a file another program keeps") : OpenRead(path);
        byte[] buffer = new byte[Math.Min(64 * 1024, limit + 1)];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    break; // one byte past the limit read: the file goes on
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limit + 1L));
            }

            int read = RandomAccess.Read(handle, buffer.AsSpan(length), length);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        cut = length > limit;
        return buffer[..Math.Min(length, limit)];
    }

    /// <summary>The whole of a small file, or nothing where it cannot be read (a process that just exited).</summary>
    public static byte[] ReadSmallOrEmpty(string path)
    {
        try
        {
            return ReadSmall(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>A small file's text (ASCII/UTF-8), or null with why it could not be read.</summary>
    public static string? TryReadText(string path, out string? problem)
    {
        try
        {
            problem = null;
            return System.Text.Encoding.UTF8.GetString(ReadSmall(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>The fault of a small file found larger than <see cref="SmallFileLimit"/>.</summary>
    public static KernelFileException TooLarge() =>
        new(ReadStatus.Malformed, $"larger than {SmallFileLimit / 1024} KiB, which no kernel file of this kind is");

    private static SafeFileHandle Open(string path, int flags, string hint)
    {
        int fd = Posix.Open(path, flags | Posix.OpenNonBlocking | Posix.OpenCloseOnExec | Posix.OpenNoControllingTerminal, 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Posix.Enoent => new FileNotFoundException($"Could not find file '{path}'.", path),
                Posix.Enotdir => new DirectoryNotFoundException($"A directory in '{path}' is not a directory."),
                Posix.Eloop when (flags & Posix.OpenNoFollow) != 0 => new KernelFileException(ReadStatus.Malformed, $"a symbolic link, which is not followed; {hint}"),
                Posix.Eacces or Posix.Eperm => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
                // The errno travels in HResult, as .NET's own IOExceptions carry it (EROFS: read-only mount).
                _ => new IOException($"{Marshal.GetPInvokeErrorMessage(errno)}: '{path}'", errno),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (FileIdentity.KindOf(handle) is { } other)
        {
            handle.Dispose();
            throw new KernelFileException(ReadStatus.Malformed, $"not a regular file but {other}; {hint}");
        }

        return handle;
    }
}
