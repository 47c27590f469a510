using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Status;

/// <summary>The network namespaces as <c>status</c> shows them: each with its figures and decision, fullest first.</summary>
internal static class StatusNamespaces
{
    /// <summary><paramref name="report"/> with every namespace of <paramref name="set"/> and the total.</summary>
    public static StatusReport AddTo(StatusReport report, NamespaceSet set, in Verdict verdict, long? hostDrops)
    {
        var list = new List<StatusNamespace>(verdict.NamespaceCount)
        {
            StatusNamespace.From(set.IsHost ? NamespaceNames.Host : NamespaceNames.ThisNamespace, set.HostInode, verdict.Host, hostDrops),
        };
        foreach (NamespaceDecision other in verdict.Others)
        {
            list.Add(StatusNamespace.From(
                other.Namespace.Name, other.Namespace.Inode, other.Decision, other.Namespace.Counters.TableFull, other.Namespace.Owner, other.IsActedOn));
        }

        foreach (NamespaceReading faulted in set.Others)
        {
            if (!faulted.IsOk)
            {
                list.Add(new StatusNamespace(faulted.Name, faulted.Inode, null, null, null, null, null, "unknown", faulted.Fault,
                    StatusNamespace.OwnerName(faulted.Owner), Counted: false));
            }
        }

        list.Sort(static (a, b) => (b.Count ?? -1).CompareTo(a.Count ?? -1));
        return report with
        {
            Namespaces = list,
            TotalEntries = verdict.TotalEntries,
            UnseenNamespaces = [.. set.Unseen],
            NamespacesProblem = set.Limitation,
        };
    }
}
