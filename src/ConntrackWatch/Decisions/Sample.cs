using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Decisions;

/// <summary>One poll's reading.</summary>
/// <param name="Seconds">When, in seconds on a monotonic clock.</param>
/// <param name="Count">Entries in the table.</param>
/// <param name="Max">nf_conntrack_max at that moment.</param>
/// <param name="TableFullDrops">The kernel's drop + early_drop counters (cumulative); null when unreadable.</param>
internal readonly record struct Sample(double Seconds, long Count, long Max, long? TableFullDrops = null)
{
    /// <summary>The sample of a complete <paramref name="reading"/> taken at <paramref name="seconds"/>.</summary>
    public static Sample Of(KernelReading reading, double seconds) => new(
        seconds, reading.Count.Value, reading.Max.Value, reading.Counters.IsOk ? reading.Counters.Value.TableFull : null);
}
