using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Decisions;

/// <summary>One namespace other than the host's, and what the policy decided for it.</summary>
/// <param name="IsActedOn">
/// Whether its evidence may move the host-wide maximum, count for <c>status</c>'s exit code and set off a
/// breakdown: false for a namespace an unprivileged user owns, unless Conntrack:RaiseFor=All.
/// </param>
internal readonly record struct NamespaceDecision(NamespaceReading Namespace, RaiseDecision Decision, bool IsActedOn = true);
