using ConntrackWatch.Kernel.Netlink;
using ConntrackWatch.Text;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// The bind-mounted namespaces a scan finds (<c>ip netns</c>'s under /run/netns, Docker's sandboxes under
/// /run/docker/netns): each entered once to open its stat file from inside (CAP_SYS_ADMIN), named after its file,
/// matched to a namespace already watched through a process by inode or by its id (RTM_GETNSID) where it cannot be
/// entered, and said to be unenterable, with the reason, while it lasts. A bind mount seen before under the same
/// name costs no allocation. Not thread-safe.
/// </summary>
internal sealed class BindMountScan(WatchedSet set, UserNamespaceProbe owners) : IDisposable
{
    /// <summary>Where bind-mounted namespaces live: <c>ip netns</c>'s, then Docker's sandboxes.</summary>
    public static readonly IReadOnlyList<string> Directories = ["/run/netns", "/run/docker/netns"];

    private const string DockerPrefix = "docker netns ";

    private readonly Dictionary<FileIdentity, Unenterable> _unenterable = [];
    private readonly HashSet<FileIdentity> _live = [];
    private readonly List<FileIdentity> _stale = [];
    private readonly byte[] _listing = new byte[DirectoryListing.BufferSize];
    private readonly byte[] _bindPath = new byte[512];
    private NamespaceIds? _ids;

    public void Dispose() => _ids?.Dispose();

    /// <summary>
    /// Looks at every bind mount once: what it finds is added to the set (or renames one watched already) and to
    /// <paramref name="seen"/>; what it cannot enter goes to <paramref name="unseen"/>, with the reason; what finds
    /// no room, to <paramref name="overflow"/>.
    /// </summary>
    public void Scan(FileIdentity host, long? hostInode, HashSet<FileIdentity> seen, List<string> unseen, ref WatchedSet.Overflow overflow)
    {
        HashSet<FileIdentity> live = _live;
        live.Clear();
        bool allWatched = true;
        for (int d = 0; d < Directories.Count; d++)
        {
            string directory = Directories[d];
            NameRank rank = d == 0 ? NameRank.IpNetns : NameRank.DockerNetns;
            allWatched &= set.Liveness.WatchDirectory(directory); // before the listing: a removal after it is seen
            int listed = 0;
            foreach (DirectoryBatch batch in new DirectoryListing(directory, _listing))
            {
                foreach (ReadOnlySpan<byte> fileName in batch)
                {
                    if (DirectoryBatch.IsSelfOrParent(fileName) || ++listed > NamespaceWatcher.MaxNamespaces
                        || !FileIdentity.TryOf(BindPathOf(directory, fileName), out FileIdentity bound) || (long)bound.Inode == hostInode)
                    {
                        continue;
                    }

                    live.Add(bound);
                    ScanBindMount(directory, fileName, rank, bound, host, seen, unseen, ref overflow);
                }
            }
        }

        set.Liveness.DirectoriesWatched(allWatched);
        _stale.Clear();
        foreach (FileIdentity bound in _unenterable.Keys)
        {
            if (!live.Contains(bound))
            {
                _stale.Add(bound);
            }
        }

        foreach (FileIdentity bound in _stale)
        {
            _unenterable.Remove(bound);
        }
    }

    // One bind mount, already statted. Nothing is allocated for one seen before under the same name: its name and
    // path are made only for a namespace met for the first time (or renamed), so a scan that finds nothing new
    // leaves no garbage however many bind mounts there are.
    private void ScanBindMount(
        string directory, ReadOnlySpan<byte> fileName, NameRank rank, FileIdentity bound, FileIdentity host, HashSet<FileIdentity> seen,
        List<string> unseen, ref WatchedSet.Overflow overflow)
    {
        if (set.WithInode((long)bound.Inode) is { } known)
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

        if (set.IsFull)
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
                set.NameByBindMount(process, bound, name, rank);
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
        else if (set.TryGet(key, out WatchedNamespace process))
        {
            handle.Dispose(); // a process's namespace whose inode was not readable: now it has its name
            set.NameByBindMount(process, bound, name, rank);
            seen.Add(key);
        }
        else
        {
            NamespaceOwner owner = owners.OfBindMount(path);
            if (owner == NamespaceOwner.User && set.UsersShareIsFull)
            {
                handle.Dispose();
                overflow.UsersBeyond++;
                return;
            }

            // Its addresses can be read only from inside; a user's namespace is believed for none, so not opened.
            AddressFiles? addresses = owner == NamespaceOwner.System
                ? NamespaceEntry.OpenInside(path, (out string? why) => { why = null; return AddressFiles.OpenInThisThread(); }, out string? notEntered)
                    ?? new AddressFiles(null, null, notEntered)
                : null;
            set.Add(new WatchedNamespace(key, name, rank, (long)bound.Inode, handle, path, new NamespacePlace(path, null), owner, bound,
                addressFiles: addresses));
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

        foreach (WatchedNamespace watched in set.Values)
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

    /// <summary>A bind mount that could not be entered: its name, and what the scan says of it while it lasts.</summary>
    private readonly record struct Unenterable(string Name, string Said);
}
