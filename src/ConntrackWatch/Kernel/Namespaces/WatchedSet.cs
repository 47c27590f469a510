namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// The namespaces being watched, by key and by inode, under the cap and the users' share of it, each with its
/// liveness watched; and those a scan found no room for, kept aside with their owner until there is room. Adding,
/// removing and clearing keep all of it in step. Not thread-safe.
/// </summary>
internal sealed class WatchedSet(int maxNamespaces, int maxUserNamespaces) : IDisposable
{
    private readonly Dictionary<FileIdentity, WatchedNamespace> _byKey = [];
    private readonly Dictionary<long, WatchedNamespace> _byInode = [];
    private readonly Dictionary<FileIdentity, NamespaceOwner> _leftOut = [];
    private int _userOwned;

    public LivenessWatch Liveness { get; } = new();

    public Dictionary<FileIdentity, WatchedNamespace>.ValueCollection Values => _byKey.Values;

    public int Count => _byKey.Count;

    /// <summary>What a scan found no room for, with the owner it was found to have.</summary>
    public Dictionary<FileIdentity, NamespaceOwner> LeftOut => _leftOut;

    public bool TryGet(FileIdentity key, out WatchedNamespace watched) => _byKey.TryGetValue(key, out watched!);

    /// <summary>The namespace watched whose inode is <paramref name="inode"/> (a bind mount's is its namespace's).</summary>
    public WatchedNamespace? WithInode(long inode) => _byInode.GetValueOrDefault(inode);

    /// <summary>Whether another unprivileged user's namespace would be past the users' share.</summary>
    public bool UsersShareIsFull => _userOwned >= maxUserNamespaces;

    public bool IsFull => _byKey.Count >= maxNamespaces;

    public void Add(WatchedNamespace watched)
    {
        _byKey[watched.Key] = watched;
        if (watched.Inode is { } inode)
        {
            _byInode[inode] = watched;
        }

        _userOwned += watched.Owner == NamespaceOwner.User ? 1 : 0;
        watched.ExitWatched = Liveness.WatchExit(watched);
    }

    /// <summary>A process's namespace whose inode was not readable, now known by a bind mount's name and inode.</summary>
    public void NameByBindMount(WatchedNamespace process, FileIdentity bound, string name, NameRank rank)
    {
        process.Inode = (long)bound.Inode;
        _byInode[(long)bound.Inode] = process;
        process.Rename(name, rank);
    }

    public void Remove(FileIdentity key)
    {
        if (_byKey.Remove(key, out WatchedNamespace? watched))
        {
            if (watched.Inode is { } inode)
            {
                _byInode.Remove(inode);
            }

            Liveness.Forget(watched);
            watched.Dispose();
            _userOwned -= watched.Owner == NamespaceOwner.User ? 1 : 0;
        }
    }

    public void Clear()
    {
        foreach (WatchedNamespace watched in _byKey.Values)
        {
            Liveness.Forget(watched);
            watched.Dispose();
        }

        _byKey.Clear();
        _byInode.Clear();
        _leftOut.Clear();
        _userOwned = 0;
    }

    /// <summary>
    /// Room under the cap, and for a user's namespace under the users' share of it; what finds none is kept aside
    /// (with its owner, so it is not examined again) and counted, and taken in at a later scan once there is room.
    /// </summary>
    public bool HasRoomFor(NamespaceOwner owner, FileIdentity key, ref Overflow overflow)
    {
        if (owner == NamespaceOwner.User && UsersShareIsFull)
        {
            overflow.UsersBeyond++;
        }
        else if (IsFull)
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

    public void Dispose()
    {
        Clear();
        Liveness.Dispose();
    }

    /// <summary>Namespaces a scan found no room for, by whose they are; what the set's limitation says of them.</summary>
    public struct Overflow
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
}
