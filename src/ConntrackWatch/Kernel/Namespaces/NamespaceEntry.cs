using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Opens what must be opened from inside another network namespace, by entering it on a dedicated thread: setns(2),
/// open, then the thread ends. What was opened stays bound to that namespace: the conntrack stat file of a namespace
/// no process is in (an <c>ip netns</c> bind mount), or a ctnetlink socket for its table. No other thread ever
/// leaves the daemon's namespace. Entering needs CAP_SYS_ADMIN; without it the caller says what cannot be seen.
/// </summary>
internal static class NamespaceEntry
{
    private const int CloneNewNet = 0x40000000;

    private const string ThreadStatFile = "/proc/thread-self/net/stat/nf_conntrack";

    /// <summary>The stat file's handle inside the namespace <paramref name="namespacePath"/>, or why it cannot be had.</summary>
    public static SafeFileHandle? OpenStatFile(string namespacePath, out string? problem) =>
        OpenInside(namespacePath, OpenThreadStatFile, out problem);

    /// <summary>
    /// Runs <paramref name="open"/> inside the namespace <paramref name="namespacePath"/> (a bind mount, or
    /// /proc/PID/ns/net) and returns what it opened, or why it could not.
    /// </summary>
    public static T? OpenInside<T>(string namespacePath, OpenFunc<T> open, out string? problem)
        where T : class
    {
        T? opened = null;
        string? failure = null;
        var thread = new Thread(() => opened = OpenOnThisThread(namespacePath, open, out failure), maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "netns entry",
        };
        thread.Start();
        thread.Join();
        problem = failure;
        return opened;
    }

    public delegate T? OpenFunc<T>(out string? problem);

    private static SafeFileHandle? OpenThreadStatFile(out string? problem)
    {
        try
        {
            problem = null;
            return KernelFile.OpenRead(ThreadStatFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e is FileNotFoundException
                ? "it has no conntrack stat file (the kernel lacks CONFIG_NF_CONNTRACK_PROCFS)"
                : e.Message;
            return null;
        }
    }

    private static T? OpenOnThisThread<T>(string namespacePath, OpenFunc<T> open, out string? problem)
        where T : class
    {
        int home = Posix.Open("/proc/thread-self/ns/net", Posix.OpenReadOnlyNonBlocking, 0);
        if (home < 0)
        {
            problem = $"cannot open this thread's own namespace: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
            return null;
        }

        int target = Posix.Open(namespacePath, Posix.OpenReadOnlyNonBlocking, 0);
        if (target < 0)
        {
            problem = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            Posix.Close(home);
            return null;
        }

        try
        {
            if (Posix.SetNs(target, CloneNewNet) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                problem = errno == Posix.Eperm
                    ? "entering it needs CAP_SYS_ADMIN (its count is only visible through a process in it)"
                    : $"cannot enter it: {Marshal.GetPInvokeErrorMessage(errno)} (not a network namespace?)";
                return null;
            }

            try
            {
                return open(out problem);
            }
            finally
            {
                // Back home; should this fail, the thread ends here all the same and its namespace with it.
                _ = Posix.SetNs(home, CloneNewNet);
            }
        }
        finally
        {
            Posix.Close(target);
            Posix.Close(home);
        }
    }
}
