namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Whether a cgroup lies in root's part of the tree: every directory from the hierarchy's root down to it owned
/// by uid 0. A subtree delegated to a user (systemd's Delegate=, user@UID.service, a rootless runtime's) is
/// chowned to that user, and whatever they create below it is theirs. The unified hierarchy is looked up at
/// <c>sys/fs/cgroup</c> under the host root, else (a hybrid host) under <c>unified</c> and <c>systemd</c> there.
/// </summary>
internal static class CgroupTree
{
    private static readonly string[] Roots = ["sys/fs/cgroup", "sys/fs/cgroup/unified", "sys/fs/cgroup/systemd"];

    /// <summary>
    /// The check for the host's cgroup tree as seen under <paramref name="hostRoot"/> (Conntrack:HostRoot): in a
    /// container the /sys/fs/cgroup it has is its own, and the host's is mounted under the host root. Where it is
    /// not, nothing is found and no cgroup is believed.
    /// </summary>
    public static NamespaceNames.RootOwnedCheck Under(string hostRoot)
    {
        string[] roots = [.. Roots.Select(root => Path.Combine(hostRoot, root))];
        return cgroupPath => IsRootOwned(cgroupPath, roots);
    }

    /// <summary>False when the cgroup is found in none of <paramref name="roots"/>: unseen is not believed.</summary>
    public static bool IsRootOwned(string cgroupPath, IReadOnlyList<string> roots)
    {
        foreach (string root in roots)
        {
            string leaf = root + cgroupPath;
            if (!FileIdentity.TryOwnerOf(leaf, out _))
            {
                continue;
            }

            // The leaf and every directory above it, up to and with the root.
            for (string? directory = leaf; directory is not null && directory.Length >= root.Length; directory = Path.GetDirectoryName(directory))
            {
                if (!FileIdentity.TryOwnerOf(directory, out uint owner) || owner != 0)
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }
}
