namespace ConntrackWatch.Decisions;

/// <summary>What made the policy decide to raise.</summary>
internal enum RaiseTrigger
{
    None,

    /// <summary>The count reached the high-water mark.</summary>
    HighWaterMark,

    /// <summary>The kernel dropped packets or evicted entries since the last poll: the table was full.</summary>
    KernelDrops,

    /// <summary>The trend reaches the high-water mark within the lookahead.</summary>
    Projection,
}
