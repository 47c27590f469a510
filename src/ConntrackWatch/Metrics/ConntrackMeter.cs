using System.Diagnostics.Metrics;
using ConntrackWatch.Service;

namespace ConntrackWatch.Metrics;

/// <summary>
/// The same figures through System.Diagnostics.Metrics (a Meter named ConntrackWatch), for dotnet-counters and
/// OpenTelemetry. Instruments are observed: they read the last poll's snapshot when a listener asks.
/// </summary>
internal sealed class ConntrackMeter : IDisposable
{
    public const string MeterName = "ConntrackWatch";

    private readonly Meter _meter;

    public ConntrackMeter(IMeterFactory meterFactory, PollCycle cycle)
    {
        _meter = meterFactory.Create(MeterName);
        IEnumerable<Measurement<long>> Long(Func<PollSnapshot, long?> value) =>
            cycle.Latest is { } s && value(s) is { } v ? [new Measurement<long>(v)] : [];
        IEnumerable<Measurement<double>> Double(Func<PollSnapshot, double?> value) =>
            cycle.Latest is { } s && value(s) is { } v ? [new Measurement<double>(v)] : [];

        _meter.CreateObservableGauge("conntrack.entries", () => Long(s => s.Count), "{entry}", "Connection-tracking entries in the table.");
        _meter.CreateObservableGauge("conntrack.max", () => Long(s => s.Max), "{entry}", "nf_conntrack_max.");
        _meter.CreateObservableGauge("conntrack.high_water_mark", () => Long(s => s.HighWaterMark), "{entry}", "The count at which the maximum is raised.");
        _meter.CreateObservableGauge("conntrack.memory_ceiling", () => Long(s => s.MemoryCeiling), "{entry}", "The largest maximum the memory allows.");
        _meter.CreateObservableGauge("conntrack.buckets", () => Long(s => s.Buckets), "{bucket}", "nf_conntrack_buckets.");
        _meter.CreateObservableCounter("conntrack.kernel.drops", () => Long(s => s.Counters?.Drop), "{packet}", "Packets dropped: table full.");
        _meter.CreateObservableCounter("conntrack.kernel.early_drops", () => Long(s => s.Counters?.EarlyDrop), "{entry}", "Entries evicted to make room.");
        _meter.CreateObservableCounter("conntrack.kernel.insert_failed", () => Long(s => s.Counters?.InsertFailed), "{entry}", "Failed inserts.");
        _meter.CreateObservableCounter("conntrack.kernel.chain_too_long", () => Long(s => s.Counters?.ChainTooLong), "{entry}", "Inserts refused for a long hash chain.");
        _meter.CreateObservableCounter("conntrackwatch.raises", () => Long(s => s.RaisesTotal), "{raise}", "Raises of nf_conntrack_max.");
        _meter.CreateObservableGauge("conntrack.growth", () => Double(s => s.Trend.GrowthPerSecond), "{entry}/s", "Growth of the count.");
        _meter.CreateObservableGauge("conntrack.time_to_full", () => Double(s => s.Trend.IsGrowing ? s.Trend.SecondsToFull : null), "s", "Time until the table is full at the current growth.");
    }

    public void Dispose() => _meter.Dispose();
}
