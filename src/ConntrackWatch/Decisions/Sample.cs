namespace ConntrackWatch.Decisions;

/// <summary>One poll's reading.</summary>
/// <param name="Seconds">When, in seconds on a monotonic clock.</param>
/// <param name="Count">Entries in the table.</param>
/// <param name="Max">nf_conntrack_max at that moment.</param>
/// <param name="TableFullDrops">The kernel's drop + early_drop counters (cumulative); null when unreadable.</param>
internal readonly record struct Sample(double Seconds, long Count, long Max, long? TableFullDrops = null);
