using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Decisions;

/// <summary>
/// The policy's decision over every watched network namespace: the one acted on (the fullest namespace with
/// evidence for a raise; the host's when none has any), each namespace's own, and the host-wide total.
/// </summary>
/// <param name="Decision">What the daemon does: the decision of the namespace it acts for.</param>
/// <param name="Host">The host namespace's own decision.</param>
/// <param name="Others">Each other namespace read at this poll with its decision, the fullest first: this poll's own items.</param>
/// <param name="TotalEntries">Entries across every namespace read, the host's included: the memory in use.</param>
/// <param name="Fullest">The namespace with the most entries; null when it is the host's.</param>
internal readonly record struct Verdict(
    RaiseDecision Decision,
    RaiseDecision Host,
    PollItems<NamespaceDecision> Others,
    long TotalEntries,
    NamespaceDecision? Fullest)
{
    /// <summary>Namespaces watched, the host's included.</summary>
    public int NamespaceCount => Others.Count + 1;

    /// <summary>The fullest namespace's count: the host's when it is the fullest.</summary>
    public long FullestCount => Fullest?.Decision.Count ?? Host.Count;

    /// <summary>A verdict on the host alone (Conntrack:Namespaces=Host).</summary>
    public static Verdict HostOnly(in RaiseDecision host) => new(host, host, default, host.Count, null);
}

/// <summary>One namespace other than the host's, and what the policy decided for it.</summary>
/// <param name="IsActedOn">
/// Whether its evidence may move the host-wide maximum, count for <c>status</c>'s exit code and set off a
/// breakdown: false for a namespace an unprivileged user owns, unless Conntrack:RaiseFor=All.
/// </param>
internal readonly record struct NamespaceDecision(NamespaceReading Namespace, RaiseDecision Decision, bool IsActedOn = true);
