using System.Globalization;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Finds every network namespace on the host and reads each one's conntrack count and drop counters at every poll.
/// Namespaces of processes come from /proc/PID/net/stat/nf_conntrack, which any user may read; bind-mounted ones
/// with no process in them (<c>ip netns add</c>, Docker's sandboxes) are entered once to open the same file from
/// inside (CAP_SYS_ADMIN, <see cref="BindMountScan"/>). A namespace is known by the identity of that file, which the kernel creates once per
/// namespace, so two processes in one namespace count once. The full /proc scan runs on its own interval and at
/// once when a known namespace disappears; a poll in between costs one read per namespace and one epoll_wait(2)
/// for all of them to learn which went (<see cref="LivenessWatch"/>), and allocates nothing. A namespace that
/// vanishes mid-poll is simply gone; the move of a process to another namespace is found out at the next scan.
/// Not thread-safe.
/// </summary>
/// <param name="maxNamespaces">The cap, <see cref="MaxNamespaces"/> but in tests.</param>
/// <param name="maxUserNamespaces">The users' share of it, <see cref="MaxUserNamespaces"/> but in tests.</param>
internal sealed class NamespaceWatcher(TimeProvider time, int maxNamespaces = NamespaceWatcher.MaxNamespaces, int maxUserNamespaces = NamespaceWatcher.MaxUserNamespaces)
    : IDisposable
{
    /// <summary>The most namespaces watched; more are counted and reported, not read.</summary>
    public const int MaxNamespaces = 10_000;

    /// <summary>
    /// The most of them owned by unprivileged users: any user may make namespaces by the thousand, and must not
    /// leave the host's containers unwatched by filling the cap first.
    /// </summary>
    public const int MaxUserNamespaces = 2_000;

    private readonly WatchedSet _watched = new(maxNamespaces, maxUserNamespaces);
    private readonly Dictionary<FileIdentity, string> _unreadable = [];
    private readonly RefilledList<NamespaceReading> _readings = new();
    private readonly List<int> _pids = [];
    private readonly HashSet<FileIdentity> _seen = [];
    private readonly List<FileIdentity> _stale = [];
    private readonly List<string> _unseen = [];
    private byte[] _statPath = [];
    private readonly byte[] _listing = new byte[DirectoryListing.BufferSize];
    private readonly ProcStatCounters.Layout _layout = new();
    private byte[] _buffer = new byte[16 * 1024];
    private string? _procRoot;
    private string _hostStatFile = string.Empty;
    private string _selfNamespace = string.Empty;
    private int _statPathPrefix;
    private long _nextScan;
    private long _scans;
    private UserNamespaceProbe? _owners;
    private BindMountScan? _bindMounts;
    private NamespaceNames.RootOwnedCheck? _rootOwned;
    private string? _rootOwnedUnder;
    private RuntimeRecords? _runtimes;
    private NamespaceSight _sight = NamespaceSight.Nothing;
    private readonly AddressReader _addressReader = new();
    private NamespaceAddresses? _hostAddresses;
    private byte[] _netPath = [];

    /// <summary>Reads every namespace but the host's, scanning for new ones when <paramref name="scanInterval"/> has passed.</summary>
    /// <param name="hostRoot">Where the host's / is seen, for the names the container runtimes keep.</param>
    public NamespaceSet Read(string procRoot, TimeSpan scanInterval, string hostRoot = "/")
    {
        if (_runtimes?.HostRoot != hostRoot)
        {
            _runtimes = new RuntimeRecords(hostRoot); // names found from now on; those given stay
        }

        if (procRoot != _procRoot)
        {
            Forget();
            _procRoot = procRoot;
            _hostStatFile = Path.Combine(procRoot, ProcStatCounters.StatFile);
            _selfNamespace = Path.Combine(procRoot, "self/ns/net");
            string prefix = procRoot.TrimEnd('/') + "/";
            _statPath = new byte[System.Text.Encoding.UTF8.GetByteCount(prefix) + 64]; // + a pid and the stat file's path
            _statPathPrefix = System.Text.Encoding.UTF8.GetBytes(prefix, _statPath);
            _netPath = (byte[])_statPath.Clone();
            _owners = new UserNamespaceProbe(procRoot);
            _bindMounts?.Dispose();
            _bindMounts = ProcMount.IsKernel(procRoot) ? new BindMountScan(_watched, _owners) : null; // a test tree has none
            _rootOwnedUnder = null;
            _nextScan = 0;
        }

        // The host's cgroup tree, under the host root, is the one to judge the real /proc's cgroup paths by; a test
        // tree has none.
        if (_rootOwnedUnder != hostRoot)
        {
            _rootOwned = ProcMount.IsKernel(procRoot) ? CgroupTree.Under(hostRoot) : null;
            _rootOwnedUnder = hostRoot;
        }

        long now = time.GetTimestamp();
        List<FileIdentity>? vanished = null;
        bool bindMountsQuiet = _watched.Liveness.Poll();
        foreach (WatchedNamespace watched in _watched.Values)
        {
            if (!watched.IsAlive(bindMountsQuiet))
            {
                (vanished ??= []).Add(watched.Key);
            }
        }

        // A namespace whose process (or bind mount) went is looked for again at once: another process may hold it.
        vanished?.ForEach(_watched.Remove);
        if (vanished is not null || now >= _nextScan)
        {
            _nextScan = now + (long)(scanInterval.TotalSeconds * time.TimestampFrequency); // or 0, by the scan: again at the next poll
            Scan(procRoot);
        }

        _readings.Refill();
        List<FileIdentity>? gone = null;
        foreach (WatchedNamespace watched in _watched.Values)
        {
            // A reading, or a fault shown with the namespace's name; null: it vanished between the check and the read.
            if (watched.Read(ref _buffer, _layout, out NamespaceReading reading) is null)
            {
                (gone ??= []).Add(watched.Key);
            }
            else
            {
                _readings.Add(reading);
            }
        }

        if (gone is not null)
        {
            foreach (FileIdentity key in gone)
            {
                _watched.Remove(key);
            }

            _nextScan = 0; // another process may still hold it: look again at the next poll
        }

        return new NamespaceSet(_readings.Items, _sight, _hostAddresses);
    }

    public void Dispose()
    {
        Forget();
        _bindMounts?.Dispose();
        _watched.Dispose();
    }

    private void Forget()
    {
        _watched.Clear();
        _unreadable.Clear();
        _readings.Refill();
        _sight = NamespaceSight.Nothing;
        _hostAddresses = null;
    }

    private void Scan(string procRoot)
    {
        _hostAddresses = _addressReader.Read(_hostAddresses, NetPathOf(null));
        if (!FileIdentity.TryOf(_hostStatFile, out FileIdentity host))
        {
            Forget();
            string why = FileIdentity.IsDeniedOnTheWay(_hostStatFile)
                ? "cannot be examined (permission denied)"
                : "is missing (a kernel without CONFIG_NF_CONNTRACK_PROCFS, or no nf_conntrack module)";
            _sight = new NamespaceSight(null, [], $"{_hostStatFile} {why}, so only the host's namespace is watched");
            return;
        }

        // Every 10 s on a host of thousands of processes: the listing read into a kept buffer, one statx per process
        // through a reused UTF-8 path. A scan that finds nothing new allocates nothing: a daemon whose GC rarely
        // runs would keep any garbage as resident memory, scan after scan.
        long? hostInode = ProcDirectory.NamespaceInode(_selfNamespace);
        // Run inside a namespace (ip netns exec ... status), the reader's own is not the host's: pid 1's is.
        bool ownIsHost = !FileIdentity.TryOf(StatPathOf(1), out FileIdentity init) || init == host;
        _seen.Clear();
        _unseen.Clear();
        _scans++;
        var overflow = default(WatchedSet.Overflow);
        ProcDirectory.Pids(procRoot, _pids, _listing);
        foreach (int pid in _pids)
        {
            if (!FileIdentity.TryOf(StatPathOf(pid), out FileIdentity key))
            {
                continue;
            }

            if (_watched.TryGet(key, out WatchedNamespace? watchedAlready) && watchedAlready.Pid == pid)
            {
                watchedAlready.SeenAtScan = _scans; // its process is still in it
            }

            if (key == host || !_seen.Add(key) || watchedAlready is not null)
            {
                continue;
            }

            if (_unreadable.TryGetValue(key, out string? said))
            {
                _unseen.Add(said);
                continue;
            }

            NamespaceOwner owner = _watched.LeftOut.TryGetValue(key, out NamespaceOwner known)
                ? known
                : _owners!.OfProcess(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture)));
            if (!_watched.HasRoomFor(owner, key, ref overflow))
            {
                continue;
            }

            if (WatchedNamespace.OfProcess(procRoot, pid, key, owner, _rootOwned, _runtimes, watchExit: ProcMount.IsKernel(procRoot), out string? unreadable) is { } watched)
            {
                watched.SeenAtScan = _scans;
                if (!ownIsHost && key == init)
                {
                    watched.Rename(NamespaceNames.Host, NameRank.Host);
                }

                _watched.Add(watched);
            }
            else if (unreadable is not null)
            {
                _unreadable[key] = unreadable;
                _unseen.Add(unreadable);
            }
        }

        _bindMounts?.Scan(host, hostInode, _seen, _unseen, ref overflow);

        foreach (FileIdentity key in WatchedNotIn(_seen))
        {
            _watched.Remove(key);
        }

        // A process that moved to another namespace (setns, unshare) while it lives: its pidfd says nothing, and the
        // handle kept would keep the namespace it left alive. Let go, and found again through any process still in it.
        foreach (FileIdentity key in MovedAway())
        {
            _watched.Remove(key);
            _nextScan = 0;
        }

        ForgetKeysNotIn(_unreadable, _seen);
        ForgetKeysNotIn(_watched.LeftOut, _seen);
        RefreshAddresses();

        string? limitation = overflow.Describe(maxNamespaces, maxUserNamespaces);
        // A new set only when what it says changed: the poll logs each new one, and a scan leaves no garbage.
        if (_sight.HostInode != hostInode || _sight.Limitation != limitation || _sight.IsHost != ownIsHost || !_sight.Unseen.SequenceEqual(_unseen))
        {
            _sight = new NamespaceSight(hostInode, [.. _unseen], limitation, ownIsHost);
        }
    }

    // The addresses of every namespace the host governs, read again at each scan (an unprivileged user's namespace
    // may claim any address, and is believed for none). A process's are read through its /proc/PID/net, and kept
    // only if its stat file is still its namespace's after the read: a pid reused in between is found at the next
    // scan. A bind mount's, through the files opened from inside when it was found.
    private void RefreshAddresses()
    {
        foreach (WatchedNamespace watched in _watched.Values)
        {
            if (watched.Owner != NamespaceOwner.System)
            {
                continue;
            }

            if (watched.AddressFiles is { } files)
            {
                watched.Addresses = _addressReader.Read(watched.Addresses, files);
            }
            else if (watched.Pid is { } pid)
            {
                NamespaceAddresses read = _addressReader.Read(watched.Addresses, NetPathOf(pid));
                if (FileIdentity.TryOf(StatPathOf(pid), out FileIdentity still) && still == watched.Key)
                {
                    watched.Addresses = read;
                }
            }
        }
    }

    // What a scan keeps of namespaces it could not watch (unreadable, left out), for those it still saw.
    private void ForgetKeysNotIn<TValue>(Dictionary<FileIdentity, TValue> dictionary, HashSet<FileIdentity> kept)
    {
        foreach (FileIdentity key in KeysNotIn(dictionary, kept))
        {
            dictionary.Remove(key);
        }
    }

    // The watched namespaces the scan did not see, in a reused list: removed once the enumeration is over.
    private List<FileIdentity> WatchedNotIn(HashSet<FileIdentity> seen)
    {
        _stale.Clear();
        foreach (WatchedNamespace watched in _watched.Values)
        {
            if (!seen.Contains(watched.Key))
            {
                _stale.Add(watched.Key);
            }
        }

        return _stale;
    }

    // Found through a process the scan no longer saw in it.
    private List<FileIdentity> MovedAway()
    {
        _stale.Clear();
        foreach (WatchedNamespace watched in _watched.Values)
        {
            if (watched.Pid is not null && watched.SeenAtScan != _scans)
            {
                _stale.Add(watched.Key);
            }
        }

        return _stale;
    }

    // The keys of dictionary that kept does not hold, in a reused list.
    private List<FileIdentity> KeysNotIn<TValue>(Dictionary<FileIdentity, TValue> dictionary, HashSet<FileIdentity> kept)
    {
        _stale.Clear();
        foreach (FileIdentity key in dictionary.Keys)
        {
            if (!kept.Contains(key))
            {
                _stale.Add(key);
            }
        }

        return _stale;
    }

    // "<proc root>/<pid>/net", or the reader's own "<proc root>/net", in the reused buffer.
    private ReadOnlySpan<byte> NetPathOf(int? pid)
    {
        Span<byte> path = _netPath.AsSpan(_statPathPrefix);
        int digits = 0;
        if (pid is { } known)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat(known, path, out digits);
            path[digits++] = (byte)'/';
        }

        "net"u8.CopyTo(path[digits..]);
        return _netPath.AsSpan(0, _statPathPrefix + digits + 3);
    }

    // "<proc root>/<pid>/net/stat/nf_conntrack", NUL-terminated, in the reused buffer.
    private ReadOnlySpan<byte> StatPathOf(int pid)
    {
        Span<byte> path = _statPath.AsSpan(_statPathPrefix);
        System.Buffers.Text.Utf8Formatter.TryFormat(pid, path, out int digits);
        ReadOnlySpan<byte> rest = "/net/stat/nf_conntrack\0"u8;
        rest.CopyTo(path[digits..]);
        return _statPath.AsSpan(0, _statPathPrefix + digits + rest.Length);
    }
}
