using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Decisions;

/// <summary>What the threshold policy decided for one sample, with the numbers that justify it.</summary>
/// <param name="Target">The new maximum for <see cref="DecisionKind.Raise"/>; otherwise the current maximum.</param>
/// <param name="MemoryCeiling">The memory ceiling in entries, for every namespace together; null when unknown.</param>
/// <param name="ClampedToCeiling">The raise stops at <see cref="Limit"/> rather than at the full multiplier.</param>
/// <param name="DroppedSinceLastPoll">Growth of drop + early_drop since the previous sample; 0 when unknown.</param>
/// <param name="Namespace">The network namespace decided on; null for the host's.</param>
/// <param name="Limit">
/// What a raise was bounded by: the memory ceiling less the other namespaces' entries, at most the kernel's int;
/// null when no raise was due, or the ceiling is unknown.
/// </param>
internal readonly record struct RaiseDecision(
    DecisionKind Kind,
    long Count,
    long CurrentMax,
    long HighWaterMark,
    long Target,
    long? MemoryCeiling,
    bool ClampedToCeiling,
    string Reason,
    RaiseTrigger Trigger = RaiseTrigger.None,
    Trend Trend = default,
    long DroppedSinceLastPoll = 0,
    NamespaceReading? Namespace = null,
    long? Limit = null)
{
    /// <summary>The count as a percentage of the current maximum.</summary>
    public double Percent => ThresholdPolicy.PercentOf(Count, CurrentMax);
}

internal enum DecisionKind
{
    /// <summary>Below the high-water mark, or already acted on: nothing to do.</summary>
    None,

    /// <summary>Raise the maximum to the target.</summary>
    Raise,

    /// <summary>A raise is needed but the maximum is already at or above the memory ceiling.</summary>
    RefusedAtCeiling,

    /// <summary>A raise is needed but the memory ceiling is unknown, so no raise is safe.</summary>
    RefusedNoCeiling,
}

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
