using System.Globalization;
using ConntrackWatch.Kernel.Netlink;
using ConntrackWatch.Text;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Finds every network namespace on the host and reads each one's conntrack count and drop counters at every poll.
/// Namespaces of processes come from /proc/PID/net/stat/nf_conntrack, which any user may read; bind-mounted ones
/// with no process in them (<c>ip netns add</c>, Docker's sandboxes) are entered once to open the same file from
/// inside (CAP_SYS_ADMIN). A namespace is known by the identity of that file, which the kernel creates once per
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

    /// <summary>Where bind-mounted namespaces live: <c>ip netns</c>'s, then Docker's sandboxes.</summary>
    public static readonly IReadOnlyList<string> BindMountDirectories = ["/run/netns", "/run/docker/netns"];

    private const string DockerPrefix = "docker netns ";

    private readonly Dictionary<FileIdentity, WatchedNamespace> _byKey = [];
    private readonly Dictionary<long, WatchedNamespace> _byInode = [];
    private readonly Dictionary<FileIdentity, Unenterable> _unenterable = [];
    private readonly Dictionary<FileIdentity, string> _unreadable = [];
    private readonly Dictionary<FileIdentity, NamespaceOwner> _leftOut = [];
    private readonly List<NamespaceReading> _readings = [];
    private readonly List<int> _pids = [];
    private readonly HashSet<FileIdentity> _seen = [];
    private readonly List<FileIdentity> _stale = [];
    private readonly HashSet<FileIdentity> _live = [];
    private readonly List<string> _unseen = [];
    private byte[] _statPath = [];
    private readonly byte[] _listing = new byte[DirectoryListing.BufferSize];
    private readonly byte[] _bindPath = new byte[512];
    private readonly LivenessWatch _liveness = new();
    private readonly ProcStatCounters.Layout _layout = new();
    private byte[] _buffer = new byte[16 * 1024];
    private string? _procRoot;
    private string _hostStatFile = string.Empty;
    private string _selfNamespace = string.Empty;
    private int _statPathPrefix;
    private int _userOwned;
    private long _nextScan;
    private long _scans;
    private UserNamespaceProbe? _owners;
    private NamespaceIds? _ids;
    private NamespaceNames.RootOwnedCheck? _rootOwned;
    private NamespaceSet _set = new([], null, [], null);

    /// <summary>Reads every namespace but the host's, scanning for new ones when <paramref name="scanInterval"/> has passed.</summary>
    public NamespaceSet Read(string procRoot, TimeSpan scanInterval)
    {
        if (procRoot != _procRoot)
        {
            Forget();
            _procRoot = procRoot;
            _hostStatFile = Path.Combine(procRoot, ProcStatCounters.StatFile);
            _selfNamespace = Path.Combine(procRoot, "self/ns/net");
            string prefix = procRoot.TrimEnd('/') + "/";
            _statPath = new byte[System.Text.Encoding.UTF8.GetByteCount(prefix) + 64]; // + a pid and the stat file's path
            _statPathPrefix = System.Text.Encoding.UTF8.GetBytes(prefix, _statPath);
            _owners = new UserNamespaceProbe(procRoot);
            // The host's cgroup tree is the one to judge the real /proc's cgroup paths by; a test tree has none.
            _rootOwned = procRoot == "/proc" ? CgroupTree.IsRootOwned : null;
            _nextScan = 0;
        }

        long now = time.GetTimestamp();
        List<FileIdentity>? vanished = null;
        bool bindMountsQuiet = _liveness.Poll();
        foreach (WatchedNamespace watched in _byKey.Values)
        {
            if (!watched.IsAlive(bindMountsQuiet))
            {
                (vanished ??= []).Add(watched.Key);
            }
        }

        // A namespace whose process (or bind mount) went is looked for again at once: another process may hold it.
        vanished?.ForEach(Remove);
        if (vanished is not null || now >= _nextScan)
        {
            _nextScan = now + (long)(scanInterval.TotalSeconds * time.TimestampFrequency); // or 0, by the scan: again at the next poll
            Scan(procRoot);
        }

        _readings.Clear();
        List<FileIdentity>? gone = null;
        foreach (WatchedNamespace watched in _byKey.Values)
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
                Remove(key);
            }

            _nextScan = 0; // another process may still hold it: look again at the next poll
        }

        return _set;
    }

    public void Dispose()
    {
        Forget();
        _ids?.Dispose();
        _liveness.Dispose();
    }

    private void Forget()
    {
        foreach (WatchedNamespace watched in _byKey.Values)
        {
            _liveness.Forget(watched);
            watched.Dispose();
        }

        _byKey.Clear();
        _byInode.Clear();
        _unenterable.Clear();
        _unreadable.Clear();
        _leftOut.Clear();
        _userOwned = 0;
        _readings.Clear();
        _set = new NamespaceSet(_readings, null, [], null);
    }

    private void Remove(FileIdentity key)
    {
        if (_byKey.Remove(key, out WatchedNamespace? watched))
        {
            if (watched.Inode is { } inode)
            {
                _byInode.Remove(inode);
            }

            _liveness.Forget(watched);
            watched.Dispose();
            _userOwned -= watched.Owner == NamespaceOwner.User ? 1 : 0;
        }
    }

    private void Scan(string procRoot)
    {
        if (!FileIdentity.TryOf(_hostStatFile, out FileIdentity host))
        {
            Forget();
            string why = FileIdentity.IsDeniedOnTheWay(_hostStatFile)
                ? "cannot be examined (permission denied)"
                : "is missing (a kernel without CONFIG_NF_CONNTRACK_PROCFS, or no nf_conntrack module)";
            _set = new NamespaceSet(_readings, null, [], $"{_hostStatFile} {why}, so only the host's namespace is watched");
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
        var overflow = default(Overflow);
        ProcDirectory.Pids(procRoot, _pids, _listing);
        foreach (int pid in _pids)
        {
            if (!FileIdentity.TryOf(StatPathOf(pid), out FileIdentity key))
            {
                continue;
            }

            if (_byKey.TryGetValue(key, out WatchedNamespace? watchedAlready) && watchedAlready.Pid == pid)
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

            NamespaceOwner owner = _leftOut.TryGetValue(key, out NamespaceOwner known)
                ? known
                : _owners!.OfProcess(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture)));
            if (!HasRoomFor(owner, key, ref overflow))
            {
                continue;
            }

            if (WatchedNamespace.OfProcess(procRoot, pid, key, owner, _rootOwned, watchExit: procRoot == "/proc", out string? unreadable) is { } watched)
            {
                watched.SeenAtScan = _scans;
                if (!ownIsHost && key == init)
                {
                    watched.Rename(NamespaceNames.Host, NameRank.Host);
                }

                Add(watched);
            }
            else if (unreadable is not null)
            {
                _unreadable[key] = unreadable;
                _unseen.Add(unreadable);
            }
        }

        if (procRoot == "/proc")
        {
            ScanBindMounts(host, hostInode, _seen, _unseen, ref overflow);
        }

        foreach (FileIdentity key in KeysNotIn(_byKey, _seen))
        {
            Remove(key);
        }

        // A process that moved to another namespace (setns, unshare) while it lives: its pidfd says nothing, and the
        // handle kept would keep the namespace it left alive. Let go, and found again through any process still in it.
        foreach (FileIdentity key in MovedAway())
        {
            Remove(key);
            _nextScan = 0;
        }

        ForgetKeysNotIn(_unreadable, _seen);
        ForgetKeysNotIn(_leftOut, _seen);

        string? limitation = overflow.Describe(maxNamespaces, maxUserNamespaces);
        // A new set only when what it says changed: the poll logs each new one, and a scan leaves no garbage.
        if (_set.HostInode != hostInode || _set.Limitation != limitation || _set.IsHost != ownIsHost || !_set.Unseen.SequenceEqual(_unseen))
        {
            _set = new NamespaceSet(_readings, hostInode, [.. _unseen], limitation, ownIsHost);
        }
    }

    private void Add(WatchedNamespace watched)
    {
        _byKey[watched.Key] = watched;
        if (watched.Inode is { } inode)
        {
            _byInode[inode] = watched;
        }

        _userOwned += watched.Owner == NamespaceOwner.User ? 1 : 0;
        watched.ExitWatched = _liveness.WatchExit(watched);
    }

    // Room under the cap, and for a user's namespace under the users' share of it; what finds none is kept aside
    // (with its owner, so it is not examined again) and counted, and taken in at a later scan once there is room.
    private bool HasRoomFor(NamespaceOwner owner, FileIdentity key, ref Overflow overflow)
    {
        if (owner == NamespaceOwner.User && _userOwned >= maxUserNamespaces)
        {
            overflow.UsersBeyond++;
        }
        else if (_byKey.Count >= maxNamespaces)
        {
            overflow.Beyond++;
        }
        else
        {
            _leftOut.Remove(key);
            return true;
        }

        _leftOut[key] = owner;
        return false;
    }

    // The keys of dictionary that kept does not hold, in a reused list: what a scan no longer found, to be removed
    // once the enumeration is over.
    // What a scan keeps of namespaces it could not watch (unreadable, unenterable, left out), for those it still saw.
    private void ForgetKeysNotIn<TValue>(Dictionary<FileIdentity, TValue> dictionary, HashSet<FileIdentity> kept)
    {
        foreach (FileIdentity key in KeysNotIn(dictionary, kept))
        {
            dictionary.Remove(key);
        }
    }

    private List<FileIdentity> MovedAway()
    {
        _stale.Clear();
        foreach (WatchedNamespace watched in _byKey.Values)
        {
            if (watched.Pid is not null && watched.SeenAtScan != _scans)
            {
                _stale.Add(watched.Key);
            }
        }

        return _stale;
    }

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

    // "<proc root>/<pid>/net/stat/nf_conntrack", NUL-terminated, in the reused buffer.
    private ReadOnlySpan<byte> StatPathOf(int pid)
    {
        Span<byte> path = _statPath.AsSpan(_statPathPrefix);
        System.Buffers.Text.Utf8Formatter.TryFormat(pid, path, out int digits);
        ReadOnlySpan<byte> rest = "/net/stat/nf_conntrack\0"u8;
        rest.CopyTo(path[digits..]);
        return _statPath.AsSpan(0, _statPathPrefix + digits + rest.Length);
    }

    // A namespace already watched, through this bind mount or a process in it (a bind mount's inode is its namespace's).
    private WatchedNamespace? KnownAs(FileIdentity bound) => _byInode.GetValueOrDefault((long)bound.Inode);

    // A process's namespace whose inode was not readable, now known by a bind mount's.
    private void NameByBindMount(WatchedNamespace process, FileIdentity bound, string name, NameRank rank)
    {
        process.Inode = (long)bound.Inode;
        _byInode[(long)bound.Inode] = process;
        process.Rename(name, rank);
    }

    private void ScanBindMounts(FileIdentity host, long? hostInode, HashSet<FileIdentity> seen, List<string> unseen, ref Overflow overflow)
    {
        HashSet<FileIdentity> live = _live;
        live.Clear();
        bool allWatched = true;
        for (int d = 0; d < BindMountDirectories.Count; d++)
        {
            string directory = BindMountDirectories[d];
            NameRank rank = d == 0 ? NameRank.IpNetns : NameRank.DockerNetns;
            allWatched &= _liveness.WatchDirectory(directory); // before the listing: a removal after it is seen
            int listed = 0;
            foreach (DirectoryBatch batch in new DirectoryListing(directory, _listing))
            {
                foreach (ReadOnlySpan<byte> fileName in batch)
                {
                    if (DirectoryBatch.IsSelfOrParent(fileName) || ++listed > MaxNamespaces
                        || !FileIdentity.TryOf(BindPathOf(directory, fileName), out FileIdentity bound) || (long)bound.Inode == hostInode)
                    {
                        continue;
                    }

                    live.Add(bound);
                    ScanBindMount(directory, fileName, rank, bound, host, seen, unseen, ref overflow);
                }
            }
        }

        _liveness.DirectoriesWatched(allWatched);
        ForgetKeysNotIn(_unenterable, live);
    }

    // One bind mount, already statted. Nothing is allocated for one seen before under the same name: its name and
    // path are made only for a namespace met for the first time (or renamed), so a scan that finds nothing new
    // leaves no garbage however many bind mounts there are.
    private void ScanBindMount(
        string directory, ReadOnlySpan<byte> fileName, NameRank rank, FileIdentity bound, FileIdentity host, HashSet<FileIdentity> seen,
        List<string> unseen, ref Overflow overflow)
    {
        if (KnownAs(bound) is { } known)
        {
            if (rank >= known.Rank && !NameIs(known.Name, rank, fileName))
            {
                known.Rename(NameOf(rank, fileName), rank);
            }

            seen.Add(known.Key);
            return;
        }

        if (_unenterable.TryGetValue(bound, out Unenterable unenterable) && NameIs(unenterable.Name, rank, fileName))
        {
            unseen.Add(unenterable.Said);
            return;
        }

        if (_byKey.Count >= maxNamespaces)
        {
            overflow.Beyond++;
            return;
        }

        string name = NameOf(rank, fileName);
        string path = Path.Join(directory, System.Text.Encoding.UTF8.GetString(fileName));
        SafeFileHandle? handle = NamespaceEntry.OpenStatFile(path, out string? problem);
        if (handle is null || !FileIdentity.TryOf(handle, out FileIdentity key))
        {
            handle?.Dispose();
            if (ProcessNamespaceWithIdOf(path) is { } process)
            {
                // Not enterable, but watched through a process in it already: now it has its name and inode.
                NameByBindMount(process, bound, name, rank);
                seen.Add(process.Key);
                return;
            }

            string said = $"{name} (ns {bound.Inode}): {problem ?? "its stat file cannot be examined"}";
            _unenterable[bound] = new Unenterable(name, said);
            unseen.Add(said);
            return;
        }

        if (key == host)
        {
            handle.Dispose();
        }
        else if (_byKey.TryGetValue(key, out WatchedNamespace? process))
        {
            handle.Dispose(); // a process's namespace whose inode was not readable: now it has its name
            NameByBindMount(process, bound, name, rank);
            seen.Add(key);
        }
        else
        {
            NamespaceOwner owner = _owners!.OfBindMount(path);
            if (owner == NamespaceOwner.User && _userOwned >= maxUserNamespaces)
            {
                handle.Dispose();
                overflow.UsersBeyond++;
                return;
            }

            Add(new WatchedNamespace(key, name, rank, (long)bound.Inode, handle, path, new NamespacePlace(path, null), owner, bound));
            seen.Add(key);
        }
    }

    // The namespace watched through a process whose id (RTM_GETNSID) is the bind mount's, where the kernel gave it
    // one (as it does for every namespace a veth leads into: Docker's, CNI's): how a daemon that may neither enter
    // the bind mount nor read the process's inode still knows the two are one namespace. Each is asked once.
    private WatchedNamespace? ProcessNamespaceWithIdOf(string bindMount)
    {
        _ids ??= new NamespaceIds();
        if (_ids.OfFile(bindMount) is not { } id)
        {
            return null;
        }

        foreach (WatchedNamespace watched in _byKey.Values)
        {
            if (watched.Inode is null && watched.Pid is { } pid && !watched.NsidAsked)
            {
                watched.Nsid = _ids.OfProcess(pid);
                watched.NsidAsked = true;
            }

            if (watched.Inode is null && watched.Nsid == id)
            {
                return watched;
            }
        }

        return null;
    }

    // "<directory>/<file name>", NUL-terminated, in the reused buffer (a file name is at most 255 bytes).
    private ReadOnlySpan<byte> BindPathOf(string directory, ReadOnlySpan<byte> fileName)
    {
        Span<byte> path = _bindPath;
        int length = System.Text.Encoding.UTF8.GetBytes(directory, path);
        path[length++] = (byte)'/';
        fileName.CopyTo(path[length..]);
        length += fileName.Length;
        path[length++] = 0;
        return path[..length];
    }

    // The file name is root's (both directories are), escaped all the same: it is shown on terminals and in labels.
    private static string NameOf(NameRank rank, ReadOnlySpan<byte> fileName) =>
        (rank == NameRank.DockerNetns ? DockerPrefix : string.Empty) + ExternalText.FromBytes(fileName);

    // Whether name is what NameOf would make, compared without making it (but for a file name that needs escaping).
    private static bool NameIs(string name, NameRank rank, ReadOnlySpan<byte> fileName)
    {
        if (!ExternalText.IsPlain(fileName))
        {
            return name == NameOf(rank, fileName);
        }

        ReadOnlySpan<char> rest = name;
        if (rank == NameRank.DockerNetns)
        {
            if (!rest.StartsWith(DockerPrefix, StringComparison.Ordinal))
            {
                return false;
            }

            rest = rest[DockerPrefix.Length..];
        }

        Span<char> decoded = stackalloc char[256];
        return System.Text.Encoding.UTF8.GetCharCount(fileName) <= decoded.Length
            && rest.SequenceEqual(decoded[..System.Text.Encoding.UTF8.GetChars(fileName, decoded)]);
    }

    /// <summary>Namespaces a scan found no room for, by whose they are; what the set's limitation says of them.</summary>
    private struct Overflow
    {
        public int Beyond;
        public int UsersBeyond;

        public readonly string? Describe(int cap, int usersCap) => (Beyond, UsersBeyond) switch
        {
            (0, 0) => null,
            (_, 0) => $"{Beyond} more namespaces were found than the {cap} watched; they are not read",
            (0, _) => $"{UsersBeyond} namespaces owned by unprivileged users were found beyond the {usersCap} of theirs watched; they are not read",
            _ => $"{Beyond} more namespaces were found than the {cap} watched, and {UsersBeyond} owned by unprivileged users beyond the {usersCap} of theirs; they are not read",
        };
    }

    /// <summary>A bind mount that could not be entered: its name, and what the scan says of it while it lasts.</summary>
    private readonly record struct Unenterable(string Name, string Said);
}
