namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>Where a network namespace's table is reached from, for its breakdown.</summary>
/// <param name="EntryPath">What setns(2) enters it by: a process's ns/net, or the bind mount.</param>
/// <param name="TableFile">Its /proc/PID/net/nf_conntrack; null for a namespace without a process.</param>
internal sealed record NamespacePlace(string EntryPath, string? TableFile);
