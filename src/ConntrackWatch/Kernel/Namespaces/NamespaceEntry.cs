using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Opens the conntrack stat file of a network namespace that no process is in (an <c>ip netns</c> bind mount), by
/// entering it on a dedicated thread: setns(2), open /proc/thread-self/net/stat/nf_conntrack, which stays bound to
/// that namespace, then the thread ends. No other thread ever leaves the daemon's namespace. Entering needs
/// CAP_SYS_ADMIN; without it the namespace is reported as not visible, never guessed.
/// </summary>
internal static partial class NamespaceEntry
{
    private const int CloneNewNet = 0x40000000;
    private const int ReadOnlyNonBlocking = 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC
    private const int Eperm = 1;

    private const string ThreadStatFile = "/proc/thread-self/net/stat/nf_conntrack";

    /// <summary>The stat file's handle inside the namespace <paramref name="namespacePath"/>, or why it cannot be had.</summary>
    public static SafeFileHandle? OpenStatFile(string namespacePath, out string? problem)
    {
        SafeFileHandle? handle = null;
        string? failure = null;
        var thread = new Thread(() => handle = OpenOnThisThread(namespacePath, out failure), maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "netns entry",
        };
        thread.Start();
        thread.Join();
        problem = failure;
        return handle;
    }

    private static SafeFileHandle? OpenOnThisThread(string namespacePath, out string? problem)
    {
        int home = Posix.Open("/proc/thread-self/ns/net", ReadOnlyNonBlocking, 0);
        if (home < 0)
        {
            problem = $"cannot open this thread's own namespace: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
            return null;
        }

        int target = Posix.Open(namespacePath, ReadOnlyNonBlocking, 0);
        if (target < 0)
        {
            problem = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            Posix.Close(home);
            return null;
        }

        try
        {
            if (SetNs(target, CloneNewNet) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                problem = errno == Eperm
                    ? "entering it needs CAP_SYS_ADMIN (its count is only visible through a process in it)"
                    : $"cannot enter it: {Marshal.GetPInvokeErrorMessage(errno)} (not a network namespace?)";
                return null;
            }

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
            finally
            {
                // Back home; should this fail, the thread ends here all the same and its namespace with it.
                _ = SetNs(home, CloneNewNet);
            }
        }
        finally
        {
            Posix.Close(target);
            Posix.Close(home);
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int type);
}
