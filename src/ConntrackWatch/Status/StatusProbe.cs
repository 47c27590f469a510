using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Hosting;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Status;

/// <summary>Reads conntrack once, with the daemon's configuration, for a person or a monitoring system.</summary>
internal sealed class StatusProbe(ConntrackOptions options, TimeProvider time) : IDisposable
{
    private readonly ConntrackReader _reader = new();
    private ConntrackLayout? _layout;

    /// <summary>At or above this fill level the state is critical whatever the ceiling.</summary>
    public const double CriticalPercent = 90.0;

    /// <summary>With --trend: this many samples, one a second.</summary>
    public const int TrendSamples = 3;

    /// <summary>One reading; with <paramref name="trend"/>, also a growth estimate from a few seconds of samples.</summary>
    public async Task<StatusReport> ProbeAsync(bool trend, CancellationToken cancellationToken)
    {
        StatusReport report = Probe();
        if (!trend || report.Max is not { } max || report.HighWaterMark is not { } mark)
        {
            return report;
        }

        var window = new SampleWindow(TrendSamples);
        window.Add(new Sample(Seconds(), report.Count!.Value, max));
        for (int i = 1; i < TrendSamples; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            if (_reader.ReadCount(_layout!, options.CountSource) is { IsOk: true } count)
            {
                window.Add(new Sample(Seconds(), count.Value, max));
            }
        }

        Trend growth = Trend.Of(window, mark);
        return report with
        {
            GrowthPerSecond = Math.Round(growth.GrowthPerSecond, 2),
            SecondsToHighWaterMark = growth.IsGrowing ? Math.Round(growth.SecondsToMark!.Value) : null,
            SecondsToFull = growth.IsGrowing ? Math.Round(growth.SecondsToFull!.Value) : null,
        };

        double Seconds() => time.GetTimestamp() / (double)time.TimestampFrequency;
    }

    public void Dispose() => _reader.Dispose();

    public StatusReport Probe()
    {
        ConntrackLayout? layout = _layout = ConntrackLayoutDetector.Detect(options.ProcRoot);
        if (layout is null)
        {
            return Unknown(options, ConntrackLayoutDetector.DescribeAbsence(options.ProcRoot));
        }

        ProcRead max = _reader.ReadMax(layout);
        ProcRead count = max.IsOk ? _reader.ReadCount(layout, options.CountSource) : max;
        if (!count.IsOk)
        {
            return Unknown(options, $"{count.Path}: {count.Detail}") with
            {
                Layout = layout.Name,
                MaxPath = layout.MaxPath,
                CountPath = ConntrackReader.DescribeSource(layout, options.CountSource),
            };
        }

        CeilingRead ceiling = MemoryCeilingReader.Read(options);
        ProcRead buckets = _reader.ReadBuckets(layout);
        using var countersReader = new CountersReader();
        CountersRead counters = countersReader.Read(options);
        long mark = ThresholdPolicy.HighWaterMark(max.Value, options.HighWaterPercent);
        double percent = max.Value > 0 ? 100.0 * count.Value / max.Value : 0;
        int exitCode = Classify(count.Value, max.Value, mark, percent, ceiling.Ceiling?.Entries);
        return new StatusReport
        {
            State = StateName(exitCode),
            ExitCode = exitCode,
            Layout = layout.Name,
            MaxPath = layout.MaxPath,
            CountSource = options.CountSource.ToString(),
            CountPath = ConntrackReader.DescribeSource(layout, options.CountSource),
            Count = count.Value,
            Max = max.Value,
            Percent = Math.Round(percent, 2),
            HighWaterPercent = options.HighWaterPercent,
            HighWaterMark = mark,
            MemoryCeiling = ceiling.Ceiling?.Entries,
            MemoryCeilingPercent = options.MemoryCeilingPercent,
            MemTotalBytes = ceiling.Ceiling?.MemTotalBytes,
            BytesPerEntry = ceiling.Ceiling?.BytesPerEntry,
            BytesPerEntrySource = ceiling.Ceiling?.BytesPerEntrySource,
            CeilingProblem = ceiling.Fault is { } fault ? $"{fault.Path}: {fault.Detail}" : null,
            Buckets = buckets.IsOk ? buckets.Value : null,
            CountersSource = counters.Source,
            Drop = counters.Counters?.Drop,
            EarlyDrop = counters.Counters?.EarlyDrop,
            InsertFailed = counters.Counters?.InsertFailed,
            ChainTooLong = counters.Counters?.ChainTooLong,
            CountersProblem = counters.IsOk ? null : counters.Detail,
        };
    }

    /// <summary>
    /// Monitoring-plugin states: critical at 90% full, or when the count needs a raise that the memory ceiling
    /// forbids; warning at the high-water mark; ok below it.
    /// </summary>
    public static int Classify(long count, long max, long highWaterMark, double percent, long? ceiling)
    {
        if (max <= 0)
        {
            return ExitCodes.StatusOk; // no limit set
        }

        bool needsRaise = count >= highWaterMark;
        if (percent >= CriticalPercent || (needsRaise && ceiling is { } limit && max >= limit))
        {
            return ExitCodes.StatusCritical;
        }

        return needsRaise ? ExitCodes.StatusWarning : ExitCodes.StatusOk;
    }

    private static string StateName(int exitCode) => exitCode switch
    {
        ExitCodes.StatusOk => "ok",
        ExitCodes.StatusWarning => "warning",
        ExitCodes.StatusCritical => "critical",
        _ => "unknown",
    };

    private static StatusReport Unknown(ConntrackOptions options, string problem) => new()
    {
        State = StateName(ExitCodes.StatusUnknown),
        ExitCode = ExitCodes.StatusUnknown,
        Problem = problem,
        CountSource = options.CountSource.ToString(),
        HighWaterPercent = options.HighWaterPercent,
        MemoryCeilingPercent = options.MemoryCeilingPercent,
    };
}
