using ConntrackWatch.Logging;
using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// One poll: read the count and the maximum, add the sample to the window, ask the policy, apply its decision.
/// Faults are logged (without flooding) and skip the poll; nothing here ends the process.
/// </summary>
internal sealed partial class PollCycle(
    ConntrackSettings settings,
    MemoryCeilingCache ceilings,
    TimeProvider time,
    ILogger<PollCycle> logger)
{
    private readonly ConntrackReader _reader = new();
    private readonly RepeatLimiter _readFaults = new(time);
    private readonly RepeatLimiter _ceilingFaults = new(time);
    private readonly RepeatLimiter _alarm = new(time);
    private readonly RepeatLimiter _writeFaults = new(time);
    private readonly RepeatLimiter _dryRun = new(time);
    private SampleWindow? _window;
    private ConntrackLayout? _layout;
    private string? _layoutRoot;
    private bool _waiting;
    private MemoryCeiling? _loggedCeiling;

    /// <summary>The samples seen so far.</summary>
    public SampleWindow? Window => _window;

    /// <summary>Raises written (and read back) since start.</summary>
    public long RaisesTotal { get; private set; }

    public PollResult PollOnce()
    {
        ConntrackOptions options = settings.Current;
        if (FindLayout(options) is not { } layout)
        {
            return PollResult.Unavailable;
        }

        ProcRead max = _reader.ReadMax(layout);
        ProcRead count = max.IsOk ? _reader.ReadCount(layout, options.CountSource) : max;
        if (!count.IsOk)
        {
            ReportReadFault(count, options);
            return PollResult.Skipped($"{count.Path}: {count.Detail}");
        }

        if (_readFaults.Clear())
        {
            LogReadRecovered(count.Value, max.Value);
        }

        SampleWindow window = WindowFor(options);
        window.Add(new Sample(time.GetTimestamp(), count.Value, max.Value));
        long? ceiling = CurrentCeiling(options);
        RaiseDecision decision = ThresholdPolicy.Decide(window, options.HighWaterPercent, options.RaiseMultiplier, ceiling);
        bool raised = Apply(decision, layout, options);
        return new PollResult(PollStatus.Completed, decision, raised);
    }

    private ConntrackLayout? FindLayout(ConntrackOptions options)
    {
        if (_layout is not null && _layoutRoot == options.ProcRoot)
        {
            return _layout;
        }

        ConntrackLayout? layout = ConntrackLayoutDetector.Detect(options.ProcRoot);
        if (layout is null)
        {
            if (!_waiting)
            {
                _waiting = true;
                string reason = ConntrackLayoutDetector.DescribeAbsence(options.ProcRoot);
                LogWaiting(reason, options.PollInterval);
            }

            return null;
        }

        _waiting = false;
        _layout = layout;
        _layoutRoot = options.ProcRoot;
        string countPath = ConntrackReader.DescribeSource(layout, options.CountSource);
        LogLayoutDetected(layout.Name, layout.MaxPath, options.CountSource, countPath);
        return layout;
    }

    private void ReportReadFault(ProcRead fault, ConntrackOptions options)
    {
        if (fault.Status == ReadStatus.Missing)
        {
            _layout = null; // detect again: the module may have been unloaded or the layout changed
        }

        if (_readFaults.ShouldReport($"{fault.Status}|{fault.Path}|{fault.Detail}", options.AlarmRepeatInterval))
        {
            LogReadFault(fault.Path, fault.Detail, Remedy.ForRead(fault), options.PollInterval);
        }
    }

    private SampleWindow WindowFor(ConntrackOptions options)
    {
        int capacity = SampleWindow.CapacityFor(options.WindowLength, options.PollInterval);
        if (_window is null)
        {
            _window = new SampleWindow(capacity);
        }
        else if (_window.Capacity != capacity)
        {
            _window = _window.Resize(capacity);
        }

        return _window;
    }

    private long? CurrentCeiling(ConntrackOptions options)
    {
        CeilingRead read = ceilings.Get(options);
        if (read.Fault is { } fault)
        {
            if (_ceilingFaults.ShouldReport($"{fault.Path}|{fault.Detail}", options.AlarmRepeatInterval))
            {
                LogCeilingFault(fault.Path, fault.Detail,
                    read.Ceiling is null ? "No raise is made until it can be read." : "Using the last good ceiling.");
            }
        }
        else if (_ceilingFaults.Clear())
        {
            LogCeilingRecovered();
        }

        if (read.Ceiling is { } ceiling && ceiling != _loggedCeiling)
        {
            _loggedCeiling = ceiling;
            LogCeiling(ceiling.Entries, ceiling.Percent, ceiling.MemTotalBytes, ceiling.BytesPerEntry, ceiling.BytesPerEntrySource);
        }

        return read.Ceiling?.Entries;
    }

    private bool Apply(RaiseDecision decision, ConntrackLayout layout, ConntrackOptions options)
    {
        if (decision.Kind is DecisionKind.None or DecisionKind.Raise && _alarm.Clear())
        {
            LogAlarmCleared(decision.Count, decision.CurrentMax, decision.Ceiling);
        }

        switch (decision.Kind)
        {
            case DecisionKind.RefusedAtCeiling:
                if (_alarm.ShouldReport("ceiling", options.AlarmRepeatInterval))
                {
                    LogCeilingAlarm(decision.Ceiling, decision.Count, decision.CurrentMax, decision.Percent, decision.HighWaterMark);
                }

                return false;
            case DecisionKind.RefusedNoCeiling:
                if (_alarm.ShouldReport("unknown", options.AlarmRepeatInterval))
                {
                    LogRefusedNoCeiling(decision.Count, decision.CurrentMax, decision.HighWaterMark, decision.Reason);
                }

                return false;
            case DecisionKind.Raise:
                return options.DryRun ? ReportDryRun(decision, options) : Raise(decision, layout, options);
            default:
                _writeFaults.Clear();
                _dryRun.Clear();
                return false;
        }
    }

    private bool ReportDryRun(RaiseDecision decision, ConntrackOptions options)
    {
        if (_dryRun.ShouldReport($"{decision.CurrentMax}->{decision.Target}", options.AlarmRepeatInterval))
        {
            LogWouldRaise(decision.CurrentMax, decision.Target, decision.Count, decision.Percent, decision.HighWaterMark, decision.Ceiling, decision.Reason);
        }

        _window!.MarkLatestActedOn();
        return false;
    }

    private bool Raise(RaiseDecision decision, ConntrackLayout layout, ConntrackOptions options)
    {
        ProcRead written = SysctlWriter.WriteInteger(layout.MaxPath, decision.Target);
        if (!written.IsOk)
        {
            if (_writeFaults.ShouldReport($"{written.Status}|{written.Detail}", options.AlarmRepeatInterval))
            {
                LogWriteFailed(written.Path, decision.CurrentMax, decision.Target, written.Detail, Remedy.ForWrite(written));
            }

            return false;
        }

        _writeFaults.Clear();
        _window!.MarkLatestActedOn();
        ProcRead readBack = _reader.ReadMax(layout);
        if (!readBack.IsOk || readBack.Value != decision.Target)
        {
            LogReadBackMismatch(layout.MaxPath, decision.Target, readBack.IsOk ? readBack.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : readBack.Detail);
            return false;
        }

        RaisesTotal++;
        LogRaised(decision.CurrentMax, decision.Target, decision.Count, decision.Percent, decision.HighWaterMark, decision.Ceiling, decision.Reason);
        return true;
    }

    [LoggerMessage(EventId = LogEvents.LayoutDetected, Level = LogLevel.Information,
        Message = "Conntrack found: layout {ConntrackLayout}, maximum in {MaxPath}, count source {CountSource} reading {CountPath}")]
    private partial void LogLayoutDetected(string conntrackLayout, string maxPath, CountSource countSource, string countPath);

    [LoggerMessage(EventId = LogEvents.Unavailable, Level = LogLevel.Warning,
        Message = "Conntrack unavailable, waiting for it: {Reason}. Checking again every {PollInterval}")]
    private partial void LogWaiting(string reason, TimeSpan pollInterval);

    [LoggerMessage(EventId = LogEvents.ReadFault, Level = LogLevel.Error,
        Message = "Cannot use {Path}: {Problem}. {Remedy} This poll is skipped; retrying every {PollInterval}")]
    private partial void LogReadFault(string path, string? problem, string remedy, TimeSpan pollInterval);

    [LoggerMessage(EventId = LogEvents.ReadRecovered, Level = LogLevel.Information,
        Message = "Conntrack readable again: count {ConntrackCount} of max {ConntrackMax}")]
    private partial void LogReadRecovered(long conntrackCount, long conntrackMax);

    [LoggerMessage(EventId = LogEvents.CeilingComputed, Level = LogLevel.Information,
        Message = "Memory ceiling {MemoryCeiling} entries: {MemoryCeilingPercent}% of MemTotal {MemTotalBytes} bytes at {BytesPerEntry} bytes per entry ({BytesPerEntrySource})")]
    private partial void LogCeiling(long memoryCeiling, int memoryCeilingPercent, long memTotalBytes, int bytesPerEntry, string bytesPerEntrySource);

    [LoggerMessage(EventId = LogEvents.CeilingFault, Level = LogLevel.Error,
        Message = "Cannot compute the memory ceiling from {Path}: {Problem}. {Consequence}")]
    private partial void LogCeilingFault(string path, string? problem, string consequence);

    [LoggerMessage(EventId = LogEvents.CeilingRecovered, Level = LogLevel.Information, Message = "Memory ceiling readable again")]
    private partial void LogCeilingRecovered();

    [LoggerMessage(EventId = LogEvents.Raised, Level = LogLevel.Warning,
        Message = "Raised nf_conntrack_max from {OldMax} to {NewMax}: {Reason}. Count {ConntrackCount} ({Percent:0.0}% of the old max), high-water mark {HighWaterMark}, memory ceiling {MemoryCeiling}")]
    private partial void LogRaised(long oldMax, long newMax, long conntrackCount, double percent, long highWaterMark, long? memoryCeiling, string reason);

    [LoggerMessage(EventId = LogEvents.DryRunDecision, Level = LogLevel.Warning,
        Message = "Dry run: would raise nf_conntrack_max from {OldMax} to {NewMax}: {Reason}. Count {ConntrackCount} ({Percent:0.0}% of the max), high-water mark {HighWaterMark}, memory ceiling {MemoryCeiling}")]
    private partial void LogWouldRaise(long oldMax, long newMax, long conntrackCount, double percent, long highWaterMark, long? memoryCeiling, string reason);

    [LoggerMessage(EventId = LogEvents.CeilingAlarm, Level = LogLevel.Error,
        Message = "Memory ceiling reached, not raising: count {ConntrackCount} of max {ConntrackMax} ({Percent:0.0}%) is at or above the high-water mark {HighWaterMark}, and the max is at or above the memory ceiling {MemoryCeiling}. Reduce the connection load, add memory, or raise Conntrack:MemoryCeilingPercent")]
    private partial void LogCeilingAlarm(long? memoryCeiling, long conntrackCount, long conntrackMax, double percent, long highWaterMark);

    [LoggerMessage(EventId = LogEvents.CeilingAlarmCleared, Level = LogLevel.Information,
        Message = "Memory ceiling alarm cleared: count {ConntrackCount} of max {ConntrackMax}, memory ceiling {MemoryCeiling}")]
    private partial void LogAlarmCleared(long conntrackCount, long conntrackMax, long? memoryCeiling);

    [LoggerMessage(EventId = LogEvents.RaiseRefusedNoCeiling, Level = LogLevel.Error,
        Message = "Not raising nf_conntrack_max: count {ConntrackCount} of max {ConntrackMax} reached the high-water mark {HighWaterMark}, but {Reason}")]
    private partial void LogRefusedNoCeiling(long conntrackCount, long conntrackMax, long highWaterMark, string reason);

    [LoggerMessage(EventId = LogEvents.WriteFailed, Level = LogLevel.Error,
        Message = "Cannot write {Path} to raise the maximum from {OldMax} to {NewMax}: {Problem}. {Remedy} Still monitoring")]
    private partial void LogWriteFailed(string path, long oldMax, long newMax, string? problem, string remedy);

    [LoggerMessage(EventId = LogEvents.ReadBackMismatch, Level = LogLevel.Error,
        Message = "Wrote {NewMax} to {Path} but reading it back gave {ReadBack}; another process may be managing nf_conntrack_max")]
    private partial void LogReadBackMismatch(string path, long newMax, string? readBack);
}
