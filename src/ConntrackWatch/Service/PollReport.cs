using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Service;

/// <summary>
/// What one poll saw, decided and did: the one value every publisher (the STATUS= line, the metrics textfile,
/// the meter) takes its figures from.
/// </summary>
/// <param name="Time">When the poll completed.</param>
/// <param name="MaxLoweredTotal">Times the max was found below what the daemon had set, since start.</param>
/// <param name="Problem">Why a skipped poll was skipped: the file and what was wrong with it.</param>
/// <param name="Verdict">The decision over every namespace; default when the poll did not complete.</param>
internal readonly record struct PollReport(
    PollOutcome Outcome,
    DateTimeOffset Time,
    KernelReading Reading,
    RaiseOutcome Applied,
    long RaisesTotal,
    long MaxLoweredTotal,
    string? Problem = null,
    Verdict Verdict = default)
{
    /// <summary>What the daemon acted on: the verdict's decision (default when the poll did not complete).</summary>
    public RaiseDecision Decision => Verdict.Decision;

    public bool Raised => Applied == RaiseOutcome.Raised;

    /// <summary>The maximum in force after this poll.</summary>
    public long MaxAfter => Raised ? Decision.Target : Decision.CurrentMax;

    /// <summary>The memory ceiling in entries; null when unknown.</summary>
    public long? MemoryCeiling => Reading.Ceiling.Value?.Entries;

    public long? Buckets => Reading.Buckets.IsOk ? Reading.Buckets.Value : null;

    public ConntrackCounters? Counters => Reading.Counters.IsOk ? Reading.Counters.Value : null;
}
