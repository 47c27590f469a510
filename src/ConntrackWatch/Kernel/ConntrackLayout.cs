namespace ConntrackWatch.Kernel;

/// <summary>The files this kernel exposes for connection tracking, as found under the proc root.</summary>
/// <param name="Name">The relative path of the max sysctl, which identifies the kernel generation.</param>
/// <param name="MaxPath">The writable maximum, e.g. /proc/sys/net/netfilter/nf_conntrack_max.</param>
/// <param name="CountFilePath">The kernel's own count, when this kernel has one.</param>
/// <param name="TablePath">The table with one entry per line, when this kernel has one.</param>
/// <param name="BucketsPath">The hash table size, nf_conntrack_buckets, when this kernel exposes it.</param>
internal sealed record ConntrackLayout(string Name, string MaxPath, string? CountFilePath, string? TablePath, string? BucketsPath = null);
