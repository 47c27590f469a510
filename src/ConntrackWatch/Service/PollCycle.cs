using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// One poll: read the count and the maximum, add the sample to the window, ask the policy, apply its decision.
/// Faults are logged (without flooding) and skip the poll; nothing here ends the process.
/// </summary>
internal sealed partial class PollCycle(
    ConntrackSettings settings,
    MemoryCeilingCache ceilings,
    RaiseApplier applier,
    CounterWatch counters,
    TimeProvider time,
    ILogger<PollCycle> logger) : IDisposable
{
    private readonly ConntrackReader _reader = new();
    private readonly RepeatLimiter _readFaults = new(time);
    private readonly RepeatLimiter _ceilingFaults = new(time);
    private SampleWindow? _window;
    private PollSnapshot? _latest;
    private ConntrackLayout? _layout;
    private string? _layoutRoot;
    private bool _waiting;
    private MemoryCeiling? _loggedCeiling;

    /// <summary>The samples seen so far.</summary>
    public SampleWindow? Window => _window;

    /// <summary>Raises written (and read back) since start.</summary>
    public long RaisesTotal => applier.RaisesTotal;

    /// <summary>The figures of the last completed poll; null before the first.</summary>
    public PollSnapshot? Latest => Volatile.Read(ref _latest);

    public void Dispose() => _reader.Dispose();

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

        ConntrackCounters? kernelCounters = counters.Observe(options, count.Value, max.Value);
        SampleWindow window = WindowFor(options);
        double seconds = time.GetTimestamp() / (double)time.TimestampFrequency;
        window.Add(new Sample(seconds, count.Value, max.Value, kernelCounters?.TableFull));
        long? ceiling = CurrentCeiling(options);
        RaiseDecision decision = ThresholdPolicy.Decide(window, PolicySettings.From(options), ceiling);
        var result = new PollResult(PollStatus.Completed, decision, applier.Apply(decision, layout, _reader, window, options));
        ProcRead buckets = _reader.ReadBuckets(layout);
        Volatile.Write(ref _latest, new PollSnapshot(
            time.GetUtcNow(), count.Value, result.MaxAfter, decision.HighWaterMark, ceiling,
            buckets.IsOk ? buckets.Value : null, kernelCounters, applier.RaisesTotal, decision.Trend));
        return result;
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
