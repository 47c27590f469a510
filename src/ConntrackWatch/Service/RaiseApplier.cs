using System.Globalization;
using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// Carries out the policy's decision: writes nf_conntrack_max (and the hash table size with it), reads it back,
/// or logs why not. Lasting conditions (ceiling alarm, write failures, dry-run decisions) are logged without
/// flooding, and once when they end.
/// </summary>
internal sealed partial class RaiseApplier(LearnedMaxStore learned, TimeProvider time, ILogger<RaiseApplier> logger) : IDisposable
{
    private readonly ConntrackReader _readBack = new();
    private readonly RepeatLimiter _alarm = new(time);
    private readonly RepeatLimiter _writeFaults = new(time);
    private readonly RepeatLimiter _dryRun = new(time);
    private readonly RepeatLimiter _bucketFaults = new(time);

    /// <summary>Raises written and read back since start.</summary>
    public long RaisesTotal { get; private set; }

    /// <summary>The max this daemon last wrote and read back (a raise or a restore); null before its first.</summary>
    public long? LastWritten { get; private set; }

    public void Dispose() => _readBack.Dispose();

    /// <summary>
    /// Carries out <paramref name="decision"/> on the files of <paramref name="layout"/>. Entries about a decision
    /// taken for a namespace other than the host's carry its NETNS_NAME and NETNS_INODE.
    /// </summary>
    public RaiseOutcome Apply(in RaiseDecision decision, ConntrackLayout layout, ConntrackOptions options)
    {
        using IDisposable? scope = decision.Namespace is { } of && decision.Kind != DecisionKind.None
            ? logger.BeginScope(new KeyValuePair<string, object?>[] { new("NetnsName", of.Name), new("NetnsInode", of.Inode) })
            : null;
        return ApplyInScope(decision, layout, options);
    }

    private RaiseOutcome ApplyInScope(in RaiseDecision decision, ConntrackLayout layout, ConntrackOptions options)
    {
        if (decision.Kind is DecisionKind.None or DecisionKind.Raise && _alarm.Clear())
        {
            LogAlarmCleared(decision.Count, decision.CurrentMax, decision.MemoryCeiling);
        }

        switch (decision.Kind)
        {
            case DecisionKind.RefusedAtCeiling:
                if (_alarm.ShouldReport("ceiling", options.AlarmRepeatInterval))
                {
                    LogCeilingAlarm(decision.MemoryCeiling, decision.Limit, decision.Count, decision.CurrentMax, decision.Percent, decision.HighWaterMark, decision.Reason);
                }

                return RaiseOutcome.NotRaised;
            case DecisionKind.RefusedNoCeiling:
                if (_alarm.ShouldReport("unknown", options.AlarmRepeatInterval))
                {
                    LogRefusedNoCeiling(decision.Count, decision.CurrentMax, decision.HighWaterMark, decision.Reason);
                }

                return RaiseOutcome.NotRaised;
            case DecisionKind.Raise when options.DryRun:
                if (_dryRun.ShouldReport($"{decision.CurrentMax}->{decision.Target}", options.AlarmRepeatInterval))
                {
                    LogWouldRaise(decision.CurrentMax, decision.Target, decision.Count, decision.Percent, decision.HighWaterMark, decision.MemoryCeiling, decision.Reason, Projection(decision.Trend));
                }

                return RaiseOutcome.DryRun;
            case DecisionKind.Raise:
                return Raise(decision, layout, options);
            default:
                _writeFaults.Clear();
                _dryRun.Clear();
                return RaiseOutcome.NotRaised;
        }
    }

    /// <summary>"growing 12.5/s, full in 3600 s", or "not growing": the projection for a log line.</summary>
    public static string Projection(Trend trend) => trend.IsGrowing
        ? string.Create(CultureInfo.InvariantCulture, $"growing {trend.GrowthPerSecond:0.#}/s, full in {trend.SecondsToFull:0} s")
        : "not growing";

    /// <summary>
    /// Puts back the maximum learned before a reboot when the kernel's is lower, as the policy decides it
    /// (<see cref="ThresholdPolicy.Restore"/>: bounded as a raise is); a raise like any other (written, read back,
    /// buckets resized), with its own log entry.
    /// </summary>
    public RaiseOutcome Restore(LearnedMax learnedMax, in KernelReading reading, ConntrackOptions options)
    {
        long found = reading.Max.Value;
        long? ceiling = reading.Ceiling.Value?.Entries;
        long others = (reading.Namespaces?.TotalWith(reading.Count.Value) ?? reading.Count.Value) - reading.Count.Value;
        (DecisionKind kind, long target, _) = ThresholdPolicy.Restore(learnedMax.Max, found, ceiling, others);
        if (kind == DecisionKind.None)
        {
            return RaiseOutcome.NotRaised;
        }

        long mark = ThresholdPolicy.HighWaterMark(found, options.HighWaterPercent);
        string reason = string.Create(CultureInfo.InvariantCulture,
            $"restoring the maximum {learnedMax.Max} learned at {learnedMax.LearnedAt:u}, above the kernel's {found} (a reboot resets it)");
        if (kind == DecisionKind.RefusedNoCeiling)
        {
            LogRefusedNoCeiling(reading.Count.Value, found, mark, reason + "; the memory ceiling is unknown, so no raise is safe");
            return RaiseOutcome.NotRaised;
        }

        if (options.DryRun)
        {
            LogWouldRaise(found, target, reading.Count.Value, ThresholdPolicy.PercentOf(reading.Count.Value, found), mark, ceiling, reason, "not growing");
            return RaiseOutcome.DryRun;
        }

        RaiseOutcome outcome = Write(layout: reading.Layout!, found, target, options);
        if (outcome == RaiseOutcome.Raised)
        {
            LogRestored(target, found, learnedMax.Max, learnedMax.LearnedAt, ceiling!.Value); // a raise is only decided with a ceiling
            ResizeBucketsIfWanted(target, reading.Layout!, options);
        }

        return outcome;
    }

    private RaiseOutcome Raise(in RaiseDecision decision, ConntrackLayout layout, ConntrackOptions options)
    {
        RaiseOutcome outcome = Write(layout, decision.CurrentMax, decision.Target, options);
        if (outcome == RaiseOutcome.Raised)
        {
            LogRaised(decision.CurrentMax, decision.Target, decision.Count, decision.Percent, decision.HighWaterMark, decision.MemoryCeiling, decision.Reason, Projection(decision.Trend));
            learned.Remember(options.StateDirectory, decision.Target, options.AlarmRepeatInterval);
            ResizeBucketsIfWanted(decision.Target, layout, options);
        }

        return outcome;
    }

    /// <summary>Writes the new maximum and reads it back.</summary>
    private RaiseOutcome Write(ConntrackLayout layout, long oldMax, long target, ConntrackOptions options)
    {
        KernelResult<long> written = SysctlWriter.WriteInteger(layout.MaxPath, target);
        if (!written.IsOk)
        {
            if (_writeFaults.ShouldReport($"{written.Status}|{written.Detail}", options.AlarmRepeatInterval))
            {
                LogWriteFailed(written.Path, oldMax, target, written.Detail, Remedy.ForWrite(written.Fault!.Value));
            }

            return RaiseOutcome.NotRaised;
        }

        _writeFaults.Clear();
        KernelResult<long> readBack = _readBack.ReadMax(layout);
        if (!readBack.IsOk || readBack.Value != target)
        {
            LogReadBackMismatch(layout.MaxPath, target, readBack.IsOk ? readBack.Value.ToString(CultureInfo.InvariantCulture) : readBack.Detail);
            return RaiseOutcome.NotConfirmed;
        }

        RaisesTotal++;
        LastWritten = target;
        return RaiseOutcome.Raised;
    }

    private void ResizeBucketsIfWanted(long newMax, ConntrackLayout layout, ConntrackOptions options)
    {
        if (options.ResizeBuckets)
        {
            ResizeBuckets(newMax, layout, options);
        }
    }

    /// <summary>
    /// Keeps hash chains short: a maximum above EntriesPerBucket x nf_conntrack_buckets gets max / EntriesPerBucket
    /// buckets. The kernel rehashes every entry on a resize, so this happens at most once per raise.
    /// </summary>
    private void ResizeBuckets(long newMax, ConntrackLayout layout, ConntrackOptions options)
    {
        KernelResult<long> buckets = _readBack.ReadBuckets(layout);
        if (!buckets.IsOk || BucketPolicy.TargetFor(newMax, buckets.Value, options.EntriesPerBucket) is not { } wanted)
        {
            return;
        }

        KernelResult<long> written = SysctlWriter.WriteInteger(buckets.Path, wanted);
        if (!written.IsOk)
        {
            if (_bucketFaults.ShouldReport($"{written.Status}|{written.Detail}", options.AlarmRepeatInterval))
            {
                LogBucketsNotResized(buckets.Path, buckets.Value, wanted, written.Detail, written.Status switch
                {
                    ReadStatus.ReadOnly => "nf_conntrack_buckets is writable only in the initial network namespace",
                    ReadStatus.Denied => "writing nf_conntrack_buckets needs CAP_NET_ADMIN",
                    _ => "the kernel refused the size",
                });
            }

            return;
        }

        _bucketFaults.Clear();
        KernelResult<long> after = _readBack.ReadBuckets(layout);
        LogBucketsResized(buckets.Value, after.IsOk ? after.Value : wanted, newMax, options.EntriesPerBucket);
    }

    [LoggerMessage(EventId = LogEvents.Raised, Level = LogLevel.Warning,
        Message = "Raised nf_conntrack_max from {OldMax} to {NewMax}: {Reason}. Count {ConntrackCount} ({Percent:0.0}% of the old max), high-water mark {HighWaterMark}, memory ceiling {MemoryCeiling}, {Projection}")]
    private partial void LogRaised(long oldMax, long newMax, long conntrackCount, double percent, long highWaterMark, long? memoryCeiling, string reason, string projection);

    [LoggerMessage(EventId = LogEvents.LearnedMaxRestored, Level = LogLevel.Warning,
        Message = "Restored nf_conntrack_max to {NewMax}: the kernel had {OldMax} (a reboot resets it) and {LearnedMax} was learned at {LearnedAt:u}; memory ceiling {MemoryCeiling}")]
    private partial void LogRestored(long newMax, long oldMax, long learnedMax, DateTimeOffset learnedAt, long memoryCeiling);

    [LoggerMessage(EventId = LogEvents.DryRunDecision, Level = LogLevel.Warning,
        Message = "Dry run: would raise nf_conntrack_max from {OldMax} to {NewMax}: {Reason}. Count {ConntrackCount} ({Percent:0.0}% of the max), high-water mark {HighWaterMark}, memory ceiling {MemoryCeiling}, {Projection}")]
    private partial void LogWouldRaise(long oldMax, long newMax, long conntrackCount, double percent, long highWaterMark, long? memoryCeiling, string reason, string projection);

    [LoggerMessage(EventId = LogEvents.CeilingAlarm, Level = LogLevel.Error,
        Message = "Memory ceiling reached, not raising: count {ConntrackCount} of max {ConntrackMax} ({Percent:0.0}%) at or past the high-water mark {HighWaterMark} needs a raise ({Reason}), but the max is at or above {RaiseLimit}, the memory ceiling {MemoryCeiling} less what the other namespaces hold. Reduce the connection load, add memory, or raise Conntrack:MemoryCeilingPercent")]
    private partial void LogCeilingAlarm(long? memoryCeiling, long? raiseLimit, long conntrackCount, long conntrackMax, double percent, long highWaterMark, string reason);

    [LoggerMessage(EventId = LogEvents.CeilingAlarmCleared, Level = LogLevel.Information,
        Message = "Memory ceiling alarm cleared: count {ConntrackCount} of max {ConntrackMax}, memory ceiling {MemoryCeiling}")]
    private partial void LogAlarmCleared(long conntrackCount, long conntrackMax, long? memoryCeiling);

    [LoggerMessage(EventId = LogEvents.RaiseRefusedNoCeiling, Level = LogLevel.Error,
        Message = "Not raising nf_conntrack_max (count {ConntrackCount} of max {ConntrackMax}, high-water mark {HighWaterMark}): {Reason}")]
    private partial void LogRefusedNoCeiling(long conntrackCount, long conntrackMax, long highWaterMark, string reason);

    [LoggerMessage(EventId = LogEvents.WriteFailed, Level = LogLevel.Error,
        Message = "Cannot write {Path} to raise the maximum from {OldMax} to {NewMax}: {Problem}. {Remedy} Still monitoring")]
    private partial void LogWriteFailed(string path, long oldMax, long newMax, string? problem, string remedy);

    [LoggerMessage(EventId = LogEvents.ReadBackMismatch, Level = LogLevel.Error,
        Message = "Wrote {NewMax} to {Path} but reading it back gave {ReadBack}; another process may be managing nf_conntrack_max")]
    private partial void LogReadBackMismatch(string path, long newMax, string? readBack);

    [LoggerMessage(EventId = LogEvents.BucketsResized, Level = LogLevel.Warning,
        Message = "Resized the conntrack hash table from {OldBuckets} to {NewBuckets} buckets for the new maximum {NewMax} ({EntriesPerBucket} entries per bucket)")]
    private partial void LogBucketsResized(long oldBuckets, long newBuckets, long newMax, int entriesPerBucket);

    [LoggerMessage(EventId = LogEvents.BucketsNotResized, Level = LogLevel.Error,
        Message = "Cannot resize the conntrack hash table in {Path} from {OldBuckets} to {NewBuckets} buckets: {Problem}; {Remedy}. Lookups walk longer chains until it is resized; set Conntrack:ResizeBuckets=false to stop trying")]
    private partial void LogBucketsNotResized(string path, long oldBuckets, long newBuckets, string? problem, string remedy);
}
