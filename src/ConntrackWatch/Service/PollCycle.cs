using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel.Reading;
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
    MaxDrift drift,
    TimeProvider time,
    ILogger<PollCycle> logger)
{
    private readonly RepeatLimiter _readFaults = new(time);
    private readonly RepeatLimiter _ceilingFaults = new(time);
    private readonly RepeatLimiter _nearCeiling = new(time);
    private NamespaceSight? _namespacesSeen;
    private string _namespacesProblem = string.Empty;
    private NamespaceWindows? _windows;
    private ConntrackLayout? _layout;
    private bool _waiting;
    private MemoryCeiling? _loggedCeiling;
    private bool _learnedMaxChecked;

    /// <summary>The raises made since the daemon started: the applier's count, its one owner.</summary>
    public long RaisesTotal => applier.RaisesTotal;

    /// <summary>Times another writer's lower max was found: the drift watch's count, its one owner.</summary>
    public long MaxLoweredTotal => drift.LoweredTotal;

    public PollReport PollOnce()
    {
        ConntrackOptions options = settings.Current;
        KernelReading reading = reader.Read(options.Reading);
        if (!_learnedMaxChecked && reading.IsComplete)
        {
            // Once, at the first reading of conntrack (before READY=1): a reboot has reset the max the daemon learned.
            _learnedMaxChecked = true;
            if (options.RestoreLearnedMax && learned.Recall(options.StateDirectory) is { } learnedMax)
            {
                drift.Check(reading.Max.Value, learnedMax.Max, "learned before it last stopped", applier.RaisesTotal, options.HostRoot, options.ProcRoot);
                if (applier.Restore(learnedMax, reading, options) == RaiseOutcome.Raised)
                {
                    reading = reader.Read(options.Reading);
                }
            }
        }
        else if (reading.IsComplete)
        {
            drift.Check(reading.Max.Value, applier.LastWritten, "last wrote", applier.RaisesTotal, options.HostRoot, options.ProcRoot);
        }

        if (reading.Layout is not { } layout)
        {
            ReportAbsence(reading.Absence!, options);
            return new PollReport(PollOutcome.Unavailable, time.GetUtcNow(), reading, RaiseOutcome.NotRaised, applier.RaisesTotal, drift.LoweredTotal);
        }

        ReportLayout(layout, options);
        if (reading.Fault is { } fault)
        {
            ReportReadFault(fault, options);
            return new PollReport(PollOutcome.Skipped, time.GetUtcNow(), reading, RaiseOutcome.NotRaised, applier.RaisesTotal, drift.LoweredTotal,
                fault.ToString());
        }

        if (_readFaults.Clear())
        {
            LogReadRecovered(reading.Count.Value, reading.Max.Value);
        }

        counters.Observe(reading.Counters, reading.Count.Value, reading.Max.Value, options.AlarmRepeatInterval);
        ReportCeiling(reading.Ceiling, options);
        NamespaceWindows windows = WindowsFor(options);
        Verdict verdict = windows.AddAndDecide(reading, MonotonicSeconds.Now(time), options.Policy);
        if (reading.Namespaces is { } namespaces)
        {
            ReportNamespaces(namespaces, verdict, reading.Ceiling.Value?.Entries, options);
        }

        RaiseDecision decision = verdict.Decision;
        // Each poll adds its sample before it decides: no evidence is decided on twice.
        RaiseOutcome applied = applier.Apply(decision, layout, options);

        if (applied == RaiseOutcome.Raised && options.ResizeBuckets)
        {
            reading = reading with { Buckets = reader.ReadBuckets(layout) }; // the raise may have resized it
        }

        return new PollReport(PollOutcome.Completed, time.GetUtcNow(), reading, applied, applier.RaisesTotal, drift.LoweredTotal, Verdict: verdict);
    }

    /// <summary>
    /// What could not be seen, logged when it changes (a scan that sees otherwise makes a new sight); and an alarm while the entries of
    /// all namespaces together near the memory ceiling, which a single namespace's figures never show.
    /// </summary>
    private void ReportNamespaces(NamespaceSet namespaces, in Verdict verdict, long? ceiling, ConntrackOptions options)
    {
        if (!ReferenceEquals(namespaces.Sight, _namespacesSeen))
        {
            _namespacesSeen = namespaces.Sight;
            // At most UnseenListed of them by name: an entry of bounded size however many namespaces hide.
            int more = namespaces.Unseen.Count - UnseenListed;
            string problem = namespaces.Unseen.Count == 0
                ? namespaces.Limitation ?? string.Empty
                : string.Join("; ", namespaces.Unseen.Take(UnseenListed)
                    .Prepend(namespaces.Limitation ?? string.Empty)
                    .Append(more > 0 ? $"and {more} more not visible (conntrackwatch status lists every one)" : string.Empty)
                    .Where(p => p.Length > 0));
            if (problem != _namespacesProblem)
            {
                _namespacesProblem = problem;
                if (problem.Length > 0)
                {
                    LogNamespacesNotVisible(verdict.NamespaceCount, problem);
                }
            }
        }

        if (ceiling is { } memoryCeiling && verdict.TotalEntries >= memoryCeiling * NearCeilingPercent / 100)
        {
            if (_nearCeiling.ShouldReport("near", options.AlarmRepeatInterval))
            {
                LogNamespacesNearCeiling(verdict.TotalEntries, verdict.NamespaceCount, memoryCeiling, NearCeilingPercent);
            }
        }
        else
        {
            _nearCeiling.Clear();
        }
    }

    /// <summary>How many namespaces that cannot be seen the journal entry names; the rest it counts.</summary>
    public const int UnseenListed = 20;

    /// <summary>The share of the memory ceiling the entries of all namespaces together may reach before the alarm.</summary>
    public const int NearCeilingPercent = 90;

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

    private NamespaceWindows WindowsFor(ConntrackOptions options)
    {
        int capacity = SampleWindow.CapacityFor(options.WindowLength, options.PollInterval);
        double spacing = SampleWindow.SpacingFor(options.WindowLength, options.PollInterval);
        _windows ??= new NamespaceWindows(capacity, spacing);
        _windows.Resize(capacity, spacing);
        return _windows;
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

    [LoggerMessage(EventId = LogEvents.NamespacesNotVisible, Level = LogLevel.Warning,
        Message = "Watching {NamespaceCount} network namespaces, but not every one: {Problem}")]
    private partial void LogNamespacesNotVisible(int namespaceCount, string problem);

    [LoggerMessage(EventId = LogEvents.NamespacesNearCeiling, Level = LogLevel.Error,
        Message = "The {TotalEntries} entries of all {NamespaceCount} network namespaces together reach {NearCeilingPercent}% of the memory ceiling {MemoryCeiling}: the kernel's memory for conntrack is nearly spent, whichever namespace holds it. Find who fills the tables (conntrackwatch status), add memory, or raise Conntrack:MemoryCeilingPercent")]
    private partial void LogNamespacesNearCeiling(long totalEntries, int namespaceCount, long memoryCeiling, int nearCeilingPercent);

    [LoggerMessage(EventId = LogEvents.CeilingRecovered, Level = LogLevel.Information, Message = "Memory ceiling readable again")]
    private partial void LogCeilingRecovered();

}
