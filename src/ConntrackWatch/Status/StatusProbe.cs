using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Status;

/// <summary>
/// Reads conntrack with the daemon's reader and decides with the daemon's policy, for a person or a monitoring
/// system: whatever <c>status</c> says is what the daemon would do now. Its window is thrown away afterwards.
/// </summary>
internal sealed class StatusProbe(ConntrackOptions options, TimeProvider time) : IDisposable
{
    /// <summary>At or above this fill level the state is critical whatever the decision.</summary>
    public const double CriticalPercent = 90.0;

    /// <summary>With --trend: this many readings, <see cref="TrendSpacing"/> apart.</summary>
    public const int TrendSamples = 3;

    public static readonly TimeSpan TrendSpacing = TimeSpan.FromSeconds(1);

    private readonly KernelReader _reader = new(time);

    /// <summary>One reading; with <paramref name="trend"/>, several, so that growth and drops between them count.</summary>
    public async Task<StatusReport> ProbeAsync(bool trend, CancellationToken cancellationToken)
    {
        int readings = trend ? TrendSamples : 1;
        var window = new SampleWindow(Math.Max(2, readings));
        KernelReading reading = _reader.Read(options.Reading);
        for (int i = 1; ; i++)
        {
            if (!reading.IsComplete)
            {
                return Unknown(reading);
            }

            window.Add(Sample.Of(reading, Sample.Now(time)));
            if (i == readings)
            {
                break;
            }

            await Task.Delay(TrendSpacing, time, cancellationToken).ConfigureAwait(false);
            reading = _reader.Read(options.Reading);
        }

        RaiseDecision decision = ThresholdPolicy.Decide(window, options.Policy, reading.Ceiling.Value?.Entries);
        return Report(reading, decision, trend);
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>
    /// The state follows the decision: a raise due is a warning; a raise due but refused, or a table at least 90%
    /// full, is critical; otherwise ok.
    /// </summary>
    public static StatusState StateOf(in RaiseDecision decision) =>
        decision.Kind is DecisionKind.RefusedAtCeiling or DecisionKind.RefusedNoCeiling || decision.Percent >= CriticalPercent
            ? StatusState.Critical
            : decision.Kind == DecisionKind.Raise ? StatusState.Warning : StatusState.Ok;

    private StatusReport Report(in KernelReading reading, in RaiseDecision decision, bool trend)
    {
        StatusState state = StateOf(decision);
        MemoryCeiling? ceiling = reading.Ceiling.Value;
        ConntrackCounters? counters = reading.Counters.IsOk ? reading.Counters.Value : null;
        Trend growth = decision.Trend;
        return Base(reading, state) with
        {
            Count = decision.Count,
            Max = decision.CurrentMax,
            Percent = Math.Round(decision.Percent, 2),
            HighWaterMark = decision.HighWaterMark,
            Decision = StatusDecision.From(decision),
            MemoryCeiling = ceiling?.Entries,
            MemTotalBytes = ceiling?.MemTotalBytes,
            BytesPerEntry = ceiling?.BytesPerEntry,
            BytesPerEntrySource = ceiling?.BytesPerEntrySource,
            CeilingProblem = reading.Ceiling.Fault?.ToString(),
            Buckets = reading.Buckets.IsOk ? reading.Buckets.Value : null,
            CountersSource = reading.Counters.Path,
            Drop = counters?.Drop,
            EarlyDrop = counters?.EarlyDrop,
            InsertFailed = counters?.InsertFailed,
            ChainTooLong = counters?.ChainTooLong,
            CountersProblem = reading.Counters.Fault is { } fault ? fault.Detail : null,
            GrowthPerSecond = trend ? Math.Round(growth.GrowthPerSecond, 2) : null,
            SecondsToHighWaterMark = trend && growth.IsGrowing ? Math.Round(growth.SecondsToMark!.Value) : null,
            SecondsToFull = trend && growth.IsGrowing ? Math.Round(growth.SecondsToFull!.Value) : null,
        };
    }

    private StatusReport Unknown(in KernelReading reading) => Base(reading, StatusState.Unknown) with
    {
        Problem = reading.Fault?.ToString() ?? reading.Absence,
    };

    private StatusReport Base(in KernelReading reading, StatusState state) => new()
    {
        State = state.ToString().ToLowerInvariant(),
        ExitCode = (int)state,
        Layout = reading.Layout?.Name,
        MaxPath = reading.Layout?.MaxPath,
        CountSource = options.CountSource.ToString(),
        CountPath = reading.Layout is { } layout ? ConntrackReader.DescribeSource(layout, options.CountSource) : null,
        HighWaterPercent = options.HighWaterPercent,
        MemoryCeilingPercent = options.MemoryCeilingPercent,
    };
}
