using System.Runtime.InteropServices;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Replaces one file of root's atomically: writes a temporary file beside it, then renames it over the old one, so
/// that a reader (node_exporter, the next start) never sees half a file. Readable by all (rw-r--r--) whatever the
/// service's umask: node_exporter runs as another user. Safe in a directory others can write to: the directory is
/// checked first (<see cref="DirectoryTrust"/>); the temporary name is unpredictable (random, per process) and
/// created O_CREAT|O_EXCL|O_NOFOLLOW, which never follows a link; its mode is set through the descriptor;
/// rename(2) replaces a link at the final name rather than writing through it. Straight system calls on a kept
/// name: a steady-state write allocates nothing.
/// </summary>
/// <param name="key">The setting that names the file, for the fix in a message.</param>
/// <param name="durable">fsync before the rename: the file must survive a crash (the learned maximum).</param>
/// <param name="ownerMatters">Refuse a directory another non-root user owns (<see cref="DirectoryTrust"/>).</param>
internal sealed class AtomicFile(string path, string key, bool durable = false, bool ownerMatters = false)
{
    // rw-r--r--: node_exporter, another user, reads it.
    private const int Readable = 0b110_100_100;

    private readonly string _directory = System.IO.Path.GetDirectoryName(path) ?? "/";

    // A name no other writer picks; it need not be unguessable (the directory is trusted, the create O_EXCL and
    // O_NOFOLLOW). Random.Shared, not RandomNumberGenerator: that one is OpenSSL's, which the binary would dlopen,
    // and a host or image without libssl aborted the daemon at its first write ("No usable version of libssl").
    private readonly string _temporary = System.IO.Path.Combine(
        System.IO.Path.GetDirectoryName(path) ?? "/", $".{System.IO.Path.GetFileName(path)}.{Random.Shared.GetHexString(16, lowercase: true)}.tmp");

    /// <summary>The file replaced.</summary>
    public string Path { get; } = path;

    /// <summary>Null on success, else what went wrong.</summary>
    public string? Write(ReadOnlySpan<byte> content)
    {
        if (DirectoryTrust.ProblemOf(_directory, key, ownerMatters) is { } untrusted)
        {
            return untrusted;
        }

        const int Flags = Posix.OpenWriteOnly | Posix.OpenCreate | Posix.OpenExclusive | Posix.OpenNoFollow | Posix.OpenCloseOnExec;
        int fd = Posix.Open(_temporary, Flags, Readable);
        if (fd < 0 && Marshal.GetLastPInvokeError() == Posix.Eexist)
        {
            Posix.Unlink(_temporary); // left by a crash between create and rename: ours, or a planted link
            fd = Posix.Open(_temporary, Flags, Readable);
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
                if (written < 0 && Marshal.GetLastPInvokeError() == Posix.Eintr)
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

        // The rename below must not publish an empty file after a crash.
        if (problem is null && durable && Posix.Fsync(fd) != 0)
        {
            problem = Failure("cannot flush", _temporary);
        }

        if (Posix.Close(fd) != 0 && problem is null)
        {
            problem = Failure("cannot write", _temporary);
        }

        if (problem is null && Posix.Rename(_temporary, Path) != 0)
        {
            problem = Failure("cannot rename into place", Path);
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
