using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// Watches the kernel's drop counters from poll to poll and logs a warning with the deltas whenever they grow:
/// packets were lost, or entries evicted, because the table was full.
/// </summary>
internal sealed partial class CounterWatch(TimeProvider time, ILogger<CounterWatch> logger)
{
    private readonly RepeatLimiter _faults = new(time);
    private ConntrackCounters? _previous;

    public void Observe(in KernelResult<ConntrackCounters> read, long count, long max, TimeSpan repeatInterval)
    {
        if (!read.IsOk)
        {
            if (_faults.ShouldReport($"{read.Path}|{read.Detail}", repeatInterval))
            {
                LogUnavailable(read.Path, read.Detail);
            }

            return;
        }

        _faults.Clear();
        ConntrackCounters counters = read.Value;
        if (_previous is { } previous && counters.Since(previous) is { Any: true } delta)
        {
            LogGrew(delta.Drop, delta.EarlyDrop, delta.InsertFailed, delta.ChainTooLong ?? 0, count, max, read.Path);
        }

        _previous = counters;
    }

    [LoggerMessage(EventId = LogEvents.KernelDrops, Level = LogLevel.Warning,
        Message = "The kernel dropped {DropDelta} packets (table full) and evicted {EarlyDropDelta} entries to make room since the last poll; {InsertFailedDelta} inserts failed, {ChainTooLongDelta} refused for a too-long hash chain. Count {ConntrackCount} of max {ConntrackMax} (from {CountersSource})")]
    private partial void LogGrew(long dropDelta, long earlyDropDelta, long insertFailedDelta, long chainTooLongDelta, long conntrackCount, long conntrackMax, string countersSource);

    [LoggerMessage(EventId = LogEvents.CountersUnavailable, Level = LogLevel.Warning,
        Message = "Cannot read the kernel's conntrack drop counters from {CountersSource}: {Problem}. Dropped packets go unnoticed until they can be read; the count and the maximum are still watched")]
    private partial void LogUnavailable(string countersSource, string? problem);
}
