using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ConntrackWatch.Kernel;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Hosting;

/// <summary>
/// One daemon per proc root: two would raise the same maximum in turn and fight over the textfile. The lock is an
/// exclusive flock(2) on a file in the runtime directory (RuntimeDirectory=conntrackwatch), held while the process
/// lives and released by the kernel when it ends, however it ends; a clean stop also removes the file. It is root's
/// file: made only in a directory nobody else can write (<see cref="DirectoryTrust"/>), never through a link.
/// <c>status</c> takes none.
/// </summary>
internal sealed class InstanceLock : IDisposable
{
    public const string DefaultDirectory = "/run/conntrackwatch";

    private const int Readable = 0b110_100_100;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    private readonly SafeFileHandle _file;
    private readonly string _path;

    private InstanceLock(SafeFileHandle file, string path)
    {
        _file = file;
        _path = path;
    }

    /// <summary>The directory: systemd's $RUNTIME_DIRECTORY (its first path), else /run/conntrackwatch.</summary>
    public static string DirectoryFrom(Func<string, string?> environment) =>
        environment("RUNTIME_DIRECTORY") is { Length: > 0 } paths ? paths.Split(':')[0] : DefaultDirectory;

    /// <summary>
    /// The lock file for <paramref name="procRoot"/>: the real /proc has a plain name, any other one of its own,
    /// named by a 64-bit FNV-1a of the path (no cryptography, so no OpenSSL at run time).
    /// </summary>
    public static string PathFor(string directory, string procRoot) => Path.Combine(directory, ProcMount.IsKernel(procRoot)
        ? "daemon.lock"
        : string.Create(CultureInfo.InvariantCulture, $"daemon-{Fnv1a(Encoding.UTF8.GetBytes(procRoot)):x16}.lock"));

    /// <summary>
    /// Takes the lock; null with <paramref name="problem"/> when another daemon holds it, or when the lock file
    /// cannot be made at all (then <paramref name="held"/> is false: running unlocked is better than not running).
    /// </summary>
    public static InstanceLock? TryTake(string path, out bool held, out string? problem)
    {
        held = false;
        string directory = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot make the lock file {path}: {e.Message}; running without a guard against a second daemon";
            return null;
        }

        const string Key = "RuntimeDirectory= (or $RUNTIME_DIRECTORY)";
        if (DirectoryTrust.ProblemOf(directory, Key, ownerMatters: false) is { } untrusted)
        {
            problem = $"{untrusted}; running without a guard against a second daemon";
            return null;
        }

        // Another user's directory (root by hand beside the unit, whose DynamicUser= owns /run/conntrackwatch):
        // nothing is made there, but a lock held in it still keeps this daemon from fighting that one.
        if (DirectoryTrust.ProblemOf(directory, Key, ownerMatters: true) is { } othersDirectory)
        {
            held = IsHeld(path);
            problem = held ? HeldMessage(path) : $"{othersDirectory}; running without a guard against a second daemon";
            return null;
        }

        // A stopping daemon removes the file after this one opened it: the lock is then on a file no longer
        // there, and the open is tried again.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int fd = Posix.Open(path, Posix.OpenReadWrite | Posix.OpenCreate | Posix.OpenNoFollow | Posix.OpenCloseOnExec, Readable);
            if (fd < 0)
            {
                problem = $"cannot make the lock file {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}; running without a guard against a second daemon";
                return null;
            }

            var file = new SafeFileHandle(fd, ownsHandle: true);
            if (Posix.Fchmod(fd, Readable) != 0 || Posix.Flock(fd, LockExclusive | LockNonBlocking) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                file.Dispose();
                held = errno == Posix.Ewouldblock;
                problem = held
                    ? HeldMessage(path)
                    : $"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}; running without a guard against a second daemon";
                return null;
            }

            if (FileIdentity.TryOf(file, out FileIdentity locked) && FileIdentity.TryOf(path, out FileIdentity named) && locked == named)
            {
                problem = null;
                return new InstanceLock(file, path);
            }

            file.Dispose();
        }

        problem = $"cannot keep a lock on {path}: it is removed as soon as it is made; running without a guard against a second daemon";
        return null;
    }

    /// <summary>Removes the file, then lets the lock go: a daemon that opened it meanwhile sees it gone and opens anew.</summary>
    public void Dispose()
    {
        Posix.Unlink(_path);
        _file.Dispose();
    }

    private static string HeldMessage(string path) =>
        $"another conntrackwatch daemon is running for the same proc ({path} is locked); stop it first " +
        "(systemctl stop conntrackwatch), or use `conntrackwatch status` to read without a daemon";

    // Whether another process holds the lock on an existing file, opened read-only, never through a link, never made.
    private static bool IsHeld(string path)
    {
        int fd = Posix.Open(path, Posix.OpenReadOnlyNonBlocking | Posix.OpenNoFollow, 0);
        if (fd < 0)
        {
            return false;
        }

        bool held = Posix.Flock(fd, LockExclusive | LockNonBlocking) != 0 && Marshal.GetLastPInvokeError() == Posix.Ewouldblock;
        Posix.Close(fd); // and with it the lock, where this took one
        return held;
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211;
        }

        return hash;
    }
}
