using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Tells at each poll which watched namespaces may have gone, with one poll(2) for all of them rather than a path
/// lookup each: the kernel caches no dentry under /proc/PID/net, so a statx of a namespace's stat file costs a
/// fresh lookup (7.5 µs measured) every time. A namespace found through a process is watched by a pidfd (Linux
/// 5.3), readable once that process exits; one entered through a bind mount, by an inotify watch on its directory,
/// readable once a file there is deleted or moved away. What has neither (pidfd_open missing or refused, a directory
/// that cannot be watched, a test's tree) is checked by path at every poll, as before. A process that moves to
/// another namespace while it lives is not seen here but at the next scan. Not thread-safe.
/// </summary>
internal sealed class LivenessWatch : IDisposable
{
    private const int InotifyNonBlocking = 0x800;  // IN_NONBLOCK, O_NONBLOCK's value
    private const int InotifyCloseOnExec = 0x80000; // IN_CLOEXEC, O_CLOEXEC's value
    private const uint MovedFrom = 0x40, Delete = 0x200, DeleteSelf = 0x400, MoveSelf = 0x800, OnlyDirectory = 0x01000000;
    private const uint Ignored = 0x8000;
    private const int EventHeader = 16; // struct inotify_event: wd, mask, cookie, len, then len bytes of name

    private readonly Dictionary<string, int> _directories = new(StringComparer.Ordinal); // watched directory -> wd
    private readonly byte[] _events = new byte[4096];
    private SafeFileHandle? _inotify;
    private bool _inotifyRefused;
    private bool _allWatched;
    private Posix.PollFd[] _fds = [];
    private WatchedNamespace?[] _of = [];
    private int _count;
    private bool _stale = true;

    /// <summary>A pidfd for <paramref name="pid"/>; null where the kernel has none (before 5.3) or refuses one.</summary>
    public static SafeFileHandle? OpenProcess(int pid)
    {
        int fd = Posix.PidfdOpen(pid);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : null;
    }

    /// <summary>The watched set changed: the next <see cref="Poll"/> looks at the pidfds anew.</summary>
    public void Changed() => _stale = true;

    /// <summary>
    /// Watches <paramref name="directory"/> for bind mounts removed from it, before it is listed; true when it is
    /// watched, or absent (then it holds no namespace to lose, and the scan that finds it there watches it).
    /// </summary>
    public bool WatchDirectory(string directory)
    {
        if (!_inotifyRefused && _inotify is null)
        {
            int fd = Posix.InotifyInit1(InotifyNonBlocking | InotifyCloseOnExec);
            _inotifyRefused = fd < 0;
            _inotify = fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : null;
            _stale = true;
        }

        if (_inotify is null)
        {
            return !Directory.Exists(directory);
        }

        int wd = Posix.InotifyAddWatch((int)_inotify.DangerousGetHandle(), directory, MovedFrom | Delete | DeleteSelf | MoveSelf | OnlyDirectory);
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
    /// Marks each namespace of <paramref name="watched"/> whose process exited; returns true when no bind mount can
    /// have left its directory since the last poll, false when every bind mount is to be checked by path now.
    /// </summary>
    public bool Poll(IReadOnlyCollection<WatchedNamespace> watched)
    {
        if (_stale)
        {
            Rebuild(watched);
        }

        bool quiet = _allWatched;
        int ready = _count == 0 ? 0 : Posix.Poll(_fds.AsSpan(0, _count), (nuint)_count, 0);
        for (int i = 0; ready > 0 && i < _count; i++)
        {
            if (_fds[i].Returned == 0)
            {
                continue;
            }

            ready--;
            if (_of[i] is { } exited)
            {
                exited.MarkExited(); // readable, or hung up: the process has ended
            }
            else
            {
                quiet = ReadEvents() && quiet;
            }
        }

        return quiet;
    }

    public void Dispose() => _inotify?.Dispose();

    // False when something may have been removed: a deletion or move, an overflow of the queue (events lost), a
    // directory gone (watched no more until the next scan), a read that failed.
    private bool ReadEvents()
    {
        bool quiet = true;
        nint read;
        while ((read = Posix.Read((int)_inotify!.DangerousGetHandle(), _events, _events.Length)) > 0)
        {
            for (int at = 0; at + EventHeader <= read;)
            {
                int wd = BinaryPrimitives.ReadInt32LittleEndian(_events.AsSpan(at));
                uint mask = BinaryPrimitives.ReadUInt32LittleEndian(_events.AsSpan(at + 4));
                int nameLength = BinaryPrimitives.ReadInt32LittleEndian(_events.AsSpan(at + 12));
                quiet = false;
                if ((mask & Ignored) != 0 && ForgetWatch(wd))
                {
                    _allWatched = false;
                }

                at += EventHeader + nameLength;
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

    private void Rebuild(IReadOnlyCollection<WatchedNamespace> watched)
    {
        int needed = watched.Count + 1;
        if (_fds.Length < needed)
        {
            _fds = new Posix.PollFd[needed];
            _of = new WatchedNamespace?[needed];
        }

        _count = 0;
        if (_inotify is not null)
        {
            Add((int)_inotify.DangerousGetHandle(), null);
        }

        foreach (WatchedNamespace namespaceWatched in watched)
        {
            if (namespaceWatched.ProcessHandle is { } pidfd)
            {
                Add((int)pidfd.DangerousGetHandle(), namespaceWatched);
            }
        }

        Array.Clear(_of, _count, _of.Length - _count); // keep no reference to a namespace no longer watched
        _stale = false;
    }

    private void Add(int fd, WatchedNamespace? of)
    {
        _fds[_count] = new Posix.PollFd { Fd = fd, Events = Posix.PollFd.In };
        _of[_count] = of;
        _count++;
    }
}
