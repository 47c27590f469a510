using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Metrics;

/// <summary>
/// Replaces one file atomically: writes a temporary file beside it, then renames it over the old one, so that
/// node_exporter never reads half a file. World-readable whatever the service's umask: node_exporter runs as
/// another user. Safe in a directory others can write to: the temporary name is unpredictable (random, per
/// process) and created O_CREAT|O_EXCL, which never follows a link (POSIX); its mode is set through the
/// descriptor; rename(2) replaces a link at the final name rather than writing through it. A directory every user
/// may write to without the sticky bit is refused: anyone could swap the file node_exporter serves. Straight
/// system calls on a kept name: a steady-state write allocates nothing.
/// </summary>
internal sealed class TextfileWriter(string path)
{
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Exclusive = 0x80;
    private const int CloseOnExec = 0x80000;
    private const int Eexist = 17;
    private const int Eintr = 4;

    // rw-r--r--: node_exporter, another user, reads it.
    private const int Readable = 0b110_100_100;
    private const int OthersMayWrite = 0b000_000_010;
    private const int Sticky = 0b1_000_000_000;

    private readonly string _directory = Path.GetDirectoryName(path) ?? "/";
    private readonly string _temporary = Path.Combine(
        Path.GetDirectoryName(path) ?? "/", $".{Path.GetFileName(path)}.{RandomNumberGenerator.GetHexString(16, lowercase: true)}.tmp");

    /// <summary>Null on success, else what went wrong.</summary>
    public string? Write(ReadOnlySpan<byte> content)
    {
        if (!FileIdentity.TryModeOf(_directory, out int mode))
        {
            return $"{_directory} cannot be examined: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
        }

        if ((mode & OthersMayWrite) != 0 && (mode & Sticky) == 0)
        {
            return $"{_directory} is writable by every user without the sticky bit, so anyone could replace the file; " +
                $"chmod o-w {_directory} (or +t), or choose another Metrics:TextfilePath";
        }

        int fd = Posix.Open(_temporary, WriteOnly | Create | Exclusive | CloseOnExec, Readable);
        if (fd < 0 && Marshal.GetLastPInvokeError() == Eexist)
        {
            Posix.Unlink(_temporary); // left by a crash between create and rename: ours, or a planted link
            fd = Posix.Open(_temporary, WriteOnly | Create | Exclusive | CloseOnExec, Readable);
        }

        if (fd < 0)
        {
            return Failure("cannot create", _temporary);
        }

        string? problem = null;
        if (Posix.Fchmod(fd, Readable) != 0) // the umask (UMask=0077) masks the mode given to open
        {
            problem = Failure("cannot make readable", _temporary);
        }
        else
        {
            while (!content.IsEmpty)
            {
                nint written = Posix.Write(fd, content, content.Length);
                if (written < 0 && Marshal.GetLastPInvokeError() == Eintr)
                {
                    continue;
                }

                if (written <= 0)
                {
                    problem = Failure("cannot write", _temporary);
                    break;
                }

                content = content[(int)written..];
            }
        }

        if (Posix.Close(fd) != 0 && problem is null)
        {
            problem = Failure("cannot write", _temporary);
        }

        if (problem is null && Posix.Rename(_temporary, path) != 0)
        {
            problem = Failure("cannot rename into place", path);
        }

        if (problem is not null)
        {
            Posix.Unlink(_temporary);
        }

        return problem;
    }

    private static string Failure(string what, string file) =>
        $"{what} {file}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
}
