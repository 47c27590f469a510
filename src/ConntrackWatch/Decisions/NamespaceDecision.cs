using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Decisions;

/// <summary>One namespace other than the host's, and what the policy decided for it.</summary>
internal readonly record struct NamespaceDecision(NamespaceReading Namespace, RaiseDecision Decision);
