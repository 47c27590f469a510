using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// One poll: the kernel reader's reading, added to the window, judged by the threshold policy, and the decision
/// carried out by the applier. Faults are logged (without flooding) and skip the poll; nothing here ends the
/// process. <c>status</c> reads and decides with the same reader and policy.
/// </summary>
internal sealed partial class PollCycle(
    ConntrackSettings settings,
    KernelReader reader,
    RaiseApplier applier,
    LearnedMaxStore learned,
    CounterWatch counters,
    TimeProvider time,
    ILogger<PollCycle> logger)
{
    private readonly RepeatLimiter _readFaults = new(time);
    private readonly RepeatLimiter _ceilingFaults = new(time);
    private SampleWindow? _window;
    private ConntrackLayout? _layout;
    private bool _waiting;
    private MemoryCeiling? _loggedCeiling;
    private bool _learnedMaxChecked;

    public PollReport PollOnce()
    {
        ConntrackOptions options = settings.Current;
        KernelReading reading = reader.Read(options.Reading);
        if (!_learnedMaxChecked && reading.IsComplete)
        {
            // Once, at the first reading of conntrack (before READY=1): a reboot has reset the max the daemon learned.
            _learnedMaxChecked = true;
            if (options.RestoreLearnedMax && learned.Recall(options.StateDirectory) is { } learnedMax
                && applier.Restore(learnedMax, reading, options) == RaiseOutcome.Raised)
            {
                reading = reader.Read(options.Reading);
            }
        }

        if (reading.Layout is not { } layout)
        {
            ReportAbsence(reading.Absence!, options);
            return new PollReport(PollOutcome.Unavailable, time.GetUtcNow(), reading, default, RaiseOutcome.NotRaised, applier.RaisesTotal);
        }

        ReportLayout(layout, options);
        if (reading.Fault is { } fault)
        {
            ReportReadFault(fault, options);
            return new PollReport(PollOutcome.Skipped, time.GetUtcNow(), reading, default, RaiseOutcome.NotRaised, applier.RaisesTotal,
                fault.ToString());
        }

        if (_readFaults.Clear())
        {
            LogReadRecovered(reading.Count.Value, reading.Max.Value);
        }

        counters.Observe(reading.Counters, reading.Count.Value, reading.Max.Value, options.AlarmRepeatInterval);
        ReportCeiling(reading.Ceiling, options);
        SampleWindow window = WindowFor(options);
        window.Add(Sample.Of(reading, Sample.Now(time)));
        RaiseDecision decision = ThresholdPolicy.Decide(window, options.Policy, reading.Ceiling.Value?.Entries);
        RaiseOutcome applied = applier.Apply(decision, layout, options);
        if (applied != RaiseOutcome.NotRaised)
        {
            window.MarkLatestActedOn(); // the same evidence must not be acted on twice
        }

        if (applied == RaiseOutcome.Raised && options.ResizeBuckets)
        {
            reading = reading with { Buckets = reader.ReadBuckets(layout) }; // the raise may have resized it
        }

        return new PollReport(PollOutcome.Completed, time.GetUtcNow(), reading, decision, applied, applier.RaisesTotal);
    }

    private void ReportAbsence(string absence, ConntrackOptions options)
    {
        _layout = null;
        if (!_waiting)
        {
            _waiting = true;
            LogWaiting(absence, options.PollInterval);
        }
    }

    private void ReportLayout(ConntrackLayout layout, ConntrackOptions options)
    {
        _waiting = false;
        if (layout != _layout)
        {
            _layout = layout;
            string countPath = ConntrackReader.DescribeSource(layout, options.CountSource);
            LogLayoutDetected(layout.Name, layout.MaxPath, options.CountSource, countPath);
        }
    }

    private void ReportReadFault(KernelFault fault, ConntrackOptions options)
    {
        if (fault.Status == ReadStatus.Missing)
        {
            _layout = null; // the reader detects the layout again; say what it finds
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

    private void ReportCeiling(in KernelResult<MemoryCeiling?> read, ConntrackOptions options)
    {
        if (read.Fault is { } fault)
        {
            if (_ceilingFaults.ShouldReport($"{fault.Path}|{fault.Detail}", options.AlarmRepeatInterval))
            {
                LogCeilingFault(fault.Path, fault.Detail,
                    read.Value is null ? "No raise is made until it can be read." : "Using the last good ceiling.");
            }
        }
        else if (_ceilingFaults.Clear())
        {
            LogCeilingRecovered();
        }

        if (read.Value is { } ceiling && ceiling != _loggedCeiling)
        {
            _loggedCeiling = ceiling;
            LogCeiling(ceiling.Entries, ceiling.Percent, ceiling.MemTotalBytes, ceiling.BytesPerEntry, ceiling.BytesPerEntrySource);
        }
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

}
