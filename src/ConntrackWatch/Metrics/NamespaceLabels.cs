using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Metrics;

/// <summary>
/// Label sets unique by construction. Two namespaces can share a name (two containers' processes in one cgroup,
/// named alike by their owner) and, where the inode is not readable, every label: a collector then drops one
/// series and logs an error at every scrape. Each namespace of such a group is told apart by its stat file's
/// inode (its key, stable while it lives), not by its place in a list that reorders with every poll.
/// </summary>
internal static class NamespaceLabels
{
    /// <summary>The most UTF-8 bytes of a name a label carries (names are bounded where they are made already).</summary>
    public const int MaxNameBytes = 192;

    /// <summary>
    /// Whether namespace <paramref name="index"/> of the first <paramref name="count"/> of <paramref name="others"/>
    /// shares its name (and, with <paramref name="byInode"/>, its inode) with another of them, or with the host's series.
    /// </summary>
    public static bool Collides(PollItems<NamespaceDecision> others, int count, int index, long? hostInode, bool byInode)
    {
        NamespaceReading self = others[index].Namespace;
        if (self.Name == NamespaceNames.Host && (!byInode || self.Inode == hostInode))
        {
            return true;
        }

        for (int i = 0; i < count; i++)
        {
            NamespaceReading other = others[i].Namespace;
            if (i != index && other.Name == self.Name && (!byInode || other.Inode == self.Inode))
            {
                return true;
            }
        }

        return false;
    }
}
