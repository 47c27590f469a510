using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// A namespace's fib_trie and if_inet6, opened from inside it for a namespace no process is in: each read again from
/// its start shows the namespace it was opened in (a seq_file keeps its network namespace), so a scan refreshes
/// them without entering it again.
/// </summary>
/// <param name="FibTrie">Its fib_trie; null when it could not be opened (<paramref name="Problem"/> says why).</param>
/// <param name="IfInet6">Its if_inet6; null for a kernel without IPv6.</param>
internal sealed record AddressFiles(SafeFileHandle? FibTrie, SafeFileHandle? IfInet6, string? Problem) : IDisposable
{
    /// <summary>Opens both in the calling thread's namespace (<see cref="NamespaceEntry.OpenInside"/> runs it there).</summary>
    public static AddressFiles OpenInThisThread()
    {
        SafeFileHandle? trie = TryOpen("/proc/thread-self/net/fib_trie", out string? problem);
        SafeFileHandle? inet6 = trie is null ? null : TryOpen("/proc/thread-self/net/if_inet6", out _);
        return new AddressFiles(trie, inet6, problem);
    }

    public void Dispose()
    {
        FibTrie?.Dispose();
        IfInet6?.Dispose();
    }

    private static SafeFileHandle? TryOpen(string path, out string? problem)
    {
        try
        {
            problem = null;
            return KernelFile.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{path} inside it: {e.Message}";
            return null;
        }
    }
}
