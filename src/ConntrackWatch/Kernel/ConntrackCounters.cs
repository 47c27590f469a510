namespace ConntrackWatch.Kernel;

/// <summary>
/// The kernel's conntrack counters that mean trouble, summed over all CPUs.
/// All count since boot (or since the network namespace was created) and only grow.
/// </summary>
/// <param name="Drop">Packets dropped because no entry could be allocated: the table was full.</param>
/// <param name="EarlyDrop">Entries evicted to make room for new ones (the kernel starts near the maximum).</param>
/// <param name="InsertFailed">Entries that could not be inserted (clashes, full table).</param>
/// <param name="ChainTooLong">Inserts refused because a hash chain was too long; null on kernels that lack it.</param>
/// <param name="ClashResolve">Insert races resolved (two packets of one new flow on two CPUs, as a resolver's A and AAAA queries); null on kernels that lack it.</param>
internal readonly record struct ConntrackCounters(
    long Drop, long EarlyDrop, long InsertFailed, long? ChainTooLong, long? ClashResolve = null)
{
    /// <summary>Packets lost or entries evicted because the table was full.</summary>
    public long TableFull => Drop + EarlyDrop;

    /// <summary>How much each counter grew since <paramref name="earlier"/> (never negative: a reset reads as 0).</summary>
    public ConntrackCounters Since(ConntrackCounters earlier) => new(
        Growth(Drop, earlier.Drop),
        Growth(EarlyDrop, earlier.EarlyDrop),
        Growth(InsertFailed, earlier.InsertFailed),
        ChainTooLong is { } now && earlier.ChainTooLong is { } then ? Growth(now, then) : null,
        ClashResolve is { } resolved && earlier.ClashResolve is { } resolvedBefore ? Growth(resolved, resolvedBefore) : null);

    /// <summary>How much a counter grew, for the drop watch and the policy alike; a counter that went back (a reset) grew by 0.</summary>
    public static long Growth(long now, long earlier) => Math.Max(0, now - earlier);

    public bool Any => Drop > 0 || EarlyDrop > 0 || InsertFailed > 0 || ChainTooLong > 0;
}
