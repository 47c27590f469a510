namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Whether a cgroup lies in root's part of the tree: every directory from the hierarchy's root down to it owned
/// by uid 0. A subtree delegated to a user (systemd's Delegate=, user@UID.service, a rootless runtime's) is
/// chowned to that user, and whatever they create below it is theirs. The unified hierarchy is looked up at
/// <c>/sys/fs/cgroup</c>, else (a hybrid host) under <c>unified</c> and <c>systemd</c> there.
/// </summary>
internal static class CgroupTree
{
    private static readonly string[] Roots = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd"];

    /// <summary>The check for the host's own cgroup tree.</summary>
    public static bool IsRootOwned(string cgroupPath) => IsRootOwned(cgroupPath, Roots);

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
