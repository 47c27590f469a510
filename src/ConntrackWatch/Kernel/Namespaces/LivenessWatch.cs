using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Tells at each poll which watched namespaces may have gone, with one epoll_wait(2) that returns only what
/// happened, rather than a path lookup per namespace: the kernel caches no dentry under /proc/PID/net, so a
/// statx of a namespace's stat file costs a fresh lookup every time (the README has what it cost). A namespace
/// found through a process is watched by a pidfd (Linux 5.3), readable once that process exits; one entered
/// through a bind mount, by an inotify watch on its directory, readable once a file there is deleted or moved
/// away. What has neither (pidfd_open missing or refused, a directory that cannot be watched, a test's tree) is
/// checked by path at every poll, as before. A process that moves to another namespace while it lives is not
/// seen here but at the next scan. Not thread-safe.
/// </summary>
internal sealed class LivenessWatch : IDisposable
{
    private const int EpollAdd = 1, EpollDelete = 2;
    private const uint EpollIn = 0x1;
    private const uint MovedFrom = 0x40, Delete = 0x200, DeleteSelf = 0x400, MoveSelf = 0x800, OnlyDirectory = 0x01000000;
    private const uint Ignored = 0x8000;
    private const int InotifyEventHeader = 16; // struct inotify_event: wd, mask, cookie, len, then len bytes of name
    private const int EventsPerWait = 64;

    private readonly Dictionary<int, WatchedNamespace> _byPidfd = [];
    private readonly Dictionary<string, int> _directories = new(StringComparer.Ordinal); // watched directory -> wd
    private readonly byte[] _ready = new byte[EventsPerWait * Posix.EpollEventSize];
    private readonly byte[] _inotifyEvents = new byte[4096];
    private readonly SafeFileHandle? _epoll;
    private SafeFileHandle? _inotify;
    private bool _inotifyRefused;
    private bool _allWatched;

    public LivenessWatch()
    {
        int epoll = Posix.EpollCreate1(Posix.OpenCloseOnExec);
        _epoll = epoll >= 0 ? new SafeFileHandle(epoll, ownsHandle: true) : null;
    }

    /// <summary>A pidfd for <paramref name="pid"/>; null where the kernel has none (before 5.3) or refuses one.</summary>
    public static SafeFileHandle? OpenProcess(int pid)
    {
        int fd = Posix.PidfdOpen(pid);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : null;
    }

    /// <summary>Watches the exit of <paramref name="watched"/>'s process by its pidfd; false where it has none, or it cannot be.</summary>
    public bool WatchExit(WatchedNamespace watched)
    {
        if (watched.ProcessHandle is not { } pidfd || _epoll is null)
        {
            return false;
        }

        int fd = (int)pidfd.DangerousGetHandle();
        if (!Register(fd))
        {
            return false;
        }

        _byPidfd[fd] = watched;
        return true;
    }

    /// <summary>Stops watching <paramref name="watched"/>, before its handles are closed.</summary>
    public void Forget(WatchedNamespace watched)
    {
        if (watched.ProcessHandle is { } pidfd && _byPidfd.Remove((int)pidfd.DangerousGetHandle()))
        {
            Span<byte> ignored = stackalloc byte[Posix.EpollEventSize];
            Posix.EpollCtl((int)_epoll!.DangerousGetHandle(), EpollDelete, (int)pidfd.DangerousGetHandle(), ignored);
        }
    }

    /// <summary>
    /// Watches <paramref name="directory"/> for bind mounts removed from it, before it is listed; true when it is
    /// watched, or absent (then it holds no namespace to lose, and the scan that finds it there watches it).
    /// </summary>
    public bool WatchDirectory(string directory)
    {
        if (!_inotifyRefused && _inotify is null)
        {
            int fd = _epoll is null ? -1 : Posix.InotifyInit1(Posix.OpenNonBlocking | Posix.OpenCloseOnExec);
            _inotify = fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : null;
            _inotifyRefused = _inotify is null || !Register(fd);
        }

        if (_inotifyRefused)
        {
            return !Directory.Exists(directory);
        }

        int wd = Posix.InotifyAddWatch((int)_inotify!.DangerousGetHandle(), directory, MovedFrom | Delete | DeleteSelf | MoveSelf | OnlyDirectory);
        if (wd < 0)
        {
            _directories.Remove(directory);
            return Marshal.GetLastPInvokeError() == Posix.Enoent;
        }

        _directories[directory] = wd;
        return true;
    }

    /// <summary>The scan's verdict on the bind-mount directories: every one watched (or absent), or not.</summary>
    public void DirectoriesWatched(bool all) => _allWatched = all;

    /// <summary>
    /// Marks each watched namespace whose process exited since the last poll; returns true when no bind mount can
    /// have left its directory since then, false when every bind mount is to be checked by path now.
    /// </summary>
    public bool Poll()
    {
        bool quiet = _allWatched;
        if (_epoll is null)
        {
            return quiet;
        }

        // Level-triggered: what stays ready (an exited process's pidfd, until its namespace is removed after this poll)
        // comes back at every call, the ready list taking turns, so every ready one is seen within this many calls.
        // Without the bound, more exits than a call holds (a user may end 2,000 processes at once) would never end.
        int rounds = (_byPidfd.Count / EventsPerWait) + 2;
        int ready;
        do
        {
            ready = Posix.EpollWait((int)_epoll.DangerousGetHandle(), _ready, EventsPerWait, 0);
            for (int i = 0; i < ready; i++)
            {
                int fd = (int)BinaryPrimitives.ReadUInt64LittleEndian(_ready.AsSpan((i * Posix.EpollEventSize) + Posix.EpollDataOffset));
                if (_byPidfd.TryGetValue(fd, out WatchedNamespace? exited))
                {
                    exited.MarkExited(); // readable, or hung up: the process has ended
                }
                else
                {
                    quiet = ReadDirectoryEvents() && quiet;
                }
            }
        }
        while (ready == EventsPerWait && --rounds > 0);

        return quiet;
    }

    public void Dispose()
    {
        _inotify?.Dispose();
        _epoll?.Dispose();
    }

    // Level-triggered, readable; the data is the fd itself, to find it by.
    private bool Register(int fd)
    {
        Span<byte> added = stackalloc byte[Posix.EpollEventSize];
        added.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(added, EpollIn);
        BinaryPrimitives.WriteUInt64LittleEndian(added[Posix.EpollDataOffset..], (ulong)fd);
        return Posix.EpollCtl((int)_epoll!.DangerousGetHandle(), EpollAdd, fd, added) == 0;
    }

    // False when something may have been removed: a deletion or move, an overflow of the queue (events lost), a
    // directory gone (watched no more until the next scan), a read that failed.
    private bool ReadDirectoryEvents()
    {
        bool quiet = true;
        nint read;
        while ((read = Posix.Read((int)_inotify!.DangerousGetHandle(), _inotifyEvents, _inotifyEvents.Length)) > 0)
        {
            for (int at = 0; at + InotifyEventHeader <= read;)
            {
                int wd = BinaryPrimitives.ReadInt32LittleEndian(_inotifyEvents.AsSpan(at));
                uint mask = BinaryPrimitives.ReadUInt32LittleEndian(_inotifyEvents.AsSpan(at + 4));
                int nameLength = BinaryPrimitives.ReadInt32LittleEndian(_inotifyEvents.AsSpan(at + 12));
                quiet = false;
                if ((mask & Ignored) != 0 && ForgetWatch(wd))
                {
                    _allWatched = false;
                }

                at += InotifyEventHeader + nameLength;
            }
        }

        if (read < 0 && Marshal.GetLastPInvokeError() != Posix.Ewouldblock)
        {
            _allWatched = false;
            quiet = false;
        }

        return quiet;
    }

    private bool ForgetWatch(int wd)
    {
        foreach ((string directory, int watching) in _directories)
        {
            if (watching == wd)
            {
                return _directories.Remove(directory);
            }
        }

        return false;
    }
}
