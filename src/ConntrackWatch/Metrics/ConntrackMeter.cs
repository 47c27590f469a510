using System.Diagnostics.Metrics;
using ConntrackWatch.Configuration;
using ConntrackWatch.Service;

namespace ConntrackWatch.Metrics;

/// <summary>
/// The figures of <see cref="ConntrackMetrics"/> through System.Diagnostics.Metrics (a Meter named ConntrackWatch),
/// for dotnet-counters and OpenTelemetry. Instruments are observed: they read the last completed poll's report
/// when a listener asks. A figure that is unknown or infinite (not growing) is not measured.
/// </summary>
internal sealed class ConntrackMeter : IPollPublisher, IDisposable
{
    public const string MeterName = MetricsOptions.MeterName;

    private readonly Meter _meter;
    private readonly Lock _gate = new();
    private PollReport _latest;
    private bool _hasReport;

    public ConntrackMeter(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        foreach (MetricDefinition metric in ConntrackMetrics.All)
        {
            if (metric.InstrumentName is not { } name)
            {
                continue;
            }

            if (metric.IsInteger)
            {
                Func<IEnumerable<Measurement<long>>> observe = () => Observe(metric) is { } v ? [new Measurement<long>((long)v)] : [];
                _ = metric.IsCounter
                    ? _meter.CreateObservableCounter(name, observe, metric.Unit, metric.Help)
                    : (ObservableInstrument<long>)_meter.CreateObservableGauge(name, observe, metric.Unit, metric.Help);
            }
            else
            {
                Func<IEnumerable<Measurement<double>>> observe = () => Observe(metric) is { } v ? [new Measurement<double>(v)] : [];
                _ = metric.IsCounter
                    ? _meter.CreateObservableCounter(name, observe, metric.Unit, metric.Help)
                    : (ObservableInstrument<double>)_meter.CreateObservableGauge(name, observe, metric.Unit, metric.Help);
            }
        }
    }

    public void Publish(in PollReport report)
    {
        if (report.Outcome != PollOutcome.Completed)
        {
            return;
        }

        lock (_gate)
        {
            _latest = report;
            _hasReport = true;
        }
    }

    public void Dispose() => _meter.Dispose();

    private double? Observe(MetricDefinition metric)
    {
        lock (_gate)
        {
            return _hasReport && metric.Value(_latest) is { } value && double.IsFinite(value) ? value : null;
        }
    }
}
