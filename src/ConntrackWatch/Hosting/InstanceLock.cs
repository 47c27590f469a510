using System.Security.Cryptography;
using System.Text;

namespace ConntrackWatch.Hosting;

/// <summary>
/// One daemon per proc root: two would raise the same maximum in turn and fight over the textfile. The lock is an
/// exclusive lock (flock) on a file in the runtime directory (RuntimeDirectory=conntrackwatch), held while the
/// process lives and released by the kernel when it ends, however it ends. <c>status</c> takes none.
/// </summary>
internal sealed class InstanceLock : IDisposable
{
    public const string DefaultDirectory = "/run/conntrackwatch";

    private readonly FileStream _file;

    private InstanceLock(FileStream file) => _file = file;

    /// <summary>The directory: systemd's $RUNTIME_DIRECTORY (its first path), else /run/conntrackwatch.</summary>
    public static string DirectoryFrom(Func<string, string?> environment) =>
        environment("RUNTIME_DIRECTORY") is { Length: > 0 } paths ? paths.Split(':')[0] : DefaultDirectory;

    /// <summary>The lock file for <paramref name="procRoot"/>: the real /proc has a plain name, a test tree one of its own.</summary>
    public static string PathFor(string directory, string procRoot) => Path.Combine(directory, procRoot == "/proc"
        ? "daemon.lock"
        : $"daemon-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(procRoot)))[..16]}.lock");

    /// <summary>
    /// Takes the lock; null with <paramref name="problem"/> when another daemon holds it, or when the lock file
    /// cannot be made at all (then <paramref name="held"/> is false: running unlocked is better than not running).
    /// </summary>
    public static InstanceLock? TryTake(string path, out bool held, out string? problem)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // FileShare.None is an exclusive flock(2) on Unix, refused at once while another process holds it.
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            held = false;
            problem = null;
            return new InstanceLock(file);
        }
        catch (IOException e) when (File.Exists(path) && e is not PathTooLongException && IsHeldElsewhere(path))
        {
            held = true;
            problem = $"another conntrackwatch daemon is running for the same proc ({path} is locked); stop it first " +
                "(systemctl stop conntrackwatch), or use `conntrackwatch status` to read without a daemon";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            held = false;
            problem = $"cannot make the lock file {path}: {e.Message}; running without a guard against a second daemon";
            return null;
        }
    }

    public void Dispose() => _file.Dispose();

    private static bool IsHeldElsewhere(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
