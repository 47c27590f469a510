using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Service;

/// <summary>The figures of the last completed poll, for metrics and the status line.</summary>
internal sealed record PollSnapshot(
    DateTimeOffset Time,
    long Count,
    long Max,
    long HighWaterMark,
    long? MemoryCeiling,
    long? Buckets,
    ConntrackCounters? Counters,
    long RaisesTotal,
    Trend Trend);
