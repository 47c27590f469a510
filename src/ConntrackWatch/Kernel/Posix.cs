using System.Runtime.InteropServices;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Every libc call ConntrackWatch makes, where .NET's own API would block (a FIFO), follow more than it should,
/// allocate on every call, or has nothing (statx identities, setns, netlink sockets, pidfds, inotify, epoll), and
/// the constants they share, each once. Failures leave errno for <see cref="Marshal.GetLastPInvokeError"/>.
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
    public const int OpenCloseOnExec = 0x80000; // SOCK_CLOEXEC, EPOLL_CLOEXEC and IN_CLOEXEC are the same bit, and IN_NONBLOCK O_NONBLOCK's

    /// <summary>O_RDONLY | O_NONBLOCK | O_CLOEXEC: a file to read that must not hang open(2) nor leak to a child.</summary>
    public const int OpenReadOnlyNonBlocking = OpenReadOnly | OpenNonBlocking | OpenCloseOnExec;

    /// <summary>PATH_MAX: the longest path open(2) takes, its NUL included.</summary>
    public const int PathMax = 4096;

    public const int Eperm = 1;
    public const int Enoent = 2;
    public const int Eintr = 4;
    public const int Ebadf = 9;
    public const int Ewouldblock = 11;
    public const int Eacces = 13;
    public const int Eexist = 17;
    public const int Enotdir = 20;
    public const int Eloop = 40;

    /// <summary>statfs(2) into a struct statfs (120 bytes on 64-bit Linux; f_type first).</summary>
    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatFs(string path, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    /// <summary>open(2) of a NUL-terminated UTF-8 path, for a scan that must not allocate a string per file.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static partial int Open(ReadOnlySpan<byte> path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(int fd, Span<byte> buffer, nint count, long offset);

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

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> buffer);

    /// <summary>statx(2) of a NUL-terminated UTF-8 path, made without a string.</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirFd, ReadOnlySpan<byte> path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int type);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, ReadOnlySpan<byte> value, uint length);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, Span<byte> address, ref uint length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, ReadOnlySpan<byte> buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, Span<byte> buffer, nuint length, int flags);

    /// <summary>getrlimit(2) into a struct rlimit: the soft limit, then the hard one.</summary>
    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRlimit(int resource, Span<ulong> limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRlimit(int resource, ReadOnlySpan<ulong> limit);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, Span<byte> buffer, nint count);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epoll, int operation, int fd, ReadOnlySpan<byte> epollEvent);

    /// <summary>epoll_wait(2) into a buffer of struct epoll_event (<see cref="EpollEventSize"/> bytes each); a timeout of 0 only looks.</summary>
    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, Span<byte> events, int maxEvents, int timeoutMilliseconds);

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

    /// <summary>
    /// The size of struct epoll_event: packed on x86-64 (a 32-bit mask, then the 64-bit data at offset 4), naturally
    /// aligned elsewhere (the data at offset 8).
    /// </summary>
    public static int EpollEventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Where the data of a struct epoll_event begins.</summary>
    public static int EpollDataOffset => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;
}
