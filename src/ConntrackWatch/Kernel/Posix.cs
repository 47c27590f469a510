using System.Runtime.InteropServices;

namespace ConntrackWatch.Kernel;

/// <summary>
/// The libc calls ConntrackWatch makes where .NET's file API would block (a FIFO), follow more than it should, or
/// allocate on every call. Failures leave errno for <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static partial class Posix
{
    // Linux's generic open(2) flags (x86-64 and arm64 alike), and the errnos the callers tell apart: one place.
    public const int OpenReadOnly = 0x0;
    public const int OpenWriteOnly = 0x1;
    public const int OpenReadWrite = 0x2;
    public const int OpenCreate = 0x40;
    public const int OpenExclusive = 0x80;
    public const int OpenNoControllingTerminal = 0x100;
    public const int OpenTruncate = 0x200;
    public const int OpenNonBlocking = 0x800;
    public const int OpenDirectory = 0x10000;
    public const int OpenNoFollow = 0x20000;
    public const int OpenCloseOnExec = 0x80000;

    /// <summary>O_RDONLY | O_NONBLOCK | O_CLOEXEC: a file to read that must not hang open(2) nor leak to a child.</summary>
    public const int OpenReadOnlyNonBlocking = OpenReadOnly | OpenNonBlocking | OpenCloseOnExec;

    public const int Eperm = 1;
    public const int Enoent = 2;
    public const int Eintr = 4;
    public const int Ebadf = 9;
    public const int Ewouldblock = 11;
    public const int Eacces = 13;
    public const int Eexist = 17;
    public const int Enotdir = 20;
    public const int Eloop = 40;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(int fd, Span<byte> buffer, nint count);

    /// <summary>ioctl(2) with no argument, such as NS_GET_USERNS.</summary>
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    /// <summary>fcntl(2) with no argument, such as F_GETFD.</summary>
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, Span<byte> buffer, nint count);

    /// <summary>poll(2) over <paramref name="fds"/>; a timeout of 0 only looks.</summary>
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(Span<PollFd> fds, nuint count, int timeoutMilliseconds);

    /// <summary>
    /// pidfd_open(2) (Linux 5.3), through syscall(2): glibc has no wrapper before 2.36. Its number is 434 on every
    /// architecture, x86-64 and arm64 alike (new calls share one table since 5.1). -1 with ENOSYS on older kernels.
    /// </summary>
    public static int PidfdOpen(int pid) => (int)Syscall(434, pid, 0);

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int InotifyAddWatch(int fd, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial nint Syscall(nint number, nint first, nint second);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public const short In = 0x1;

        public int Fd;
        public short Events;
        public short Returned;
    }
}
