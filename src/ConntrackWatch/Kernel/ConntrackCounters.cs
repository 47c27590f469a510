namespace ConntrackWatch.Kernel;

/// <summary>
/// The kernel's conntrack counters that mean trouble, summed over all CPUs. All count since boot (or since the
/// network namespace was created) and only grow.
/// </summary>
/// <param name="Drop">Packets dropped because no entry could be allocated: the table was full.</param>
/// <param name="EarlyDrop">Entries evicted to make room for new ones (the kernel starts near the maximum).</param>
/// <param name="InsertFailed">Entries that could not be inserted (clashes, full table).</param>
/// <param name="ChainTooLong">Inserts refused because a hash chain was too long; null on kernels that lack it.</param>
internal readonly record struct ConntrackCounters(long Drop, long EarlyDrop, long InsertFailed, long? ChainTooLong)
{
    /// <summary>Packets lost or entries evicted because the table was full.</summary>
    public long TableFull => Drop + EarlyDrop;

    /// <summary>How much each counter grew since <paramref name="earlier"/> (never negative: a reset reads as 0).</summary>
    public ConntrackCounters Since(ConntrackCounters earlier) => new(
        Math.Max(0, Drop - earlier.Drop),
        Math.Max(0, EarlyDrop - earlier.EarlyDrop),
        Math.Max(0, InsertFailed - earlier.InsertFailed),
        ChainTooLong is { } now && earlier.ChainTooLong is { } then ? Math.Max(0, now - then) : null);

    public bool Any => Drop > 0 || EarlyDrop > 0 || InsertFailed > 0 || ChainTooLong > 0;
}
