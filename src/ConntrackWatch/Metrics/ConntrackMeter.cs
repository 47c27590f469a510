using System.Diagnostics.Metrics;
using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Service;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Metrics;

/// <summary>
/// The figures of <see cref="ConntrackMetrics"/> through System.Diagnostics.Metrics (a Meter named ConntrackWatch),
/// for dotnet-counters and OpenTelemetry. Instruments are observed on the exporter's thread: each completed poll's
/// figures are copied at once into a fixed array, which is what they read, never the report itself, whose lists
/// the next poll refills. A figure that is unknown or infinite (not growing) is not measured. The fullest
/// namespaces (Metrics:NamespaceSeries, the host's among them) are measured on <c>conntrack.namespace.entries</c>
/// with a <c>namespace</c> tag, copied at each poll into a fixed array: the reader reuses its lists.
/// </summary>
internal sealed class ConntrackMeter : IPollPublisher, IDisposable
{
    public const string MeterName = MetricsOptions.MeterName;

    private readonly Meter _meter;
    private readonly Lock _gate = new();
    private readonly (string Name, long Count)[] _namespaces;
    private readonly double?[] _values = new double?[ConntrackMetrics.All.Length];
    private int _namespaceCount;

    public ConntrackMeter(IMeterFactory meterFactory, IOptions<MetricsOptions> options)
    {
        _meter = meterFactory.Create(MeterName);
        _namespaces = new (string, long)[options.Value.NamespaceSeries];
        _meter.CreateObservableGauge("conntrack.namespace.entries", ObserveNamespaces, "{entry}",
            "Connection-tracking entries of one network namespace (the fullest, up to Metrics:NamespaceSeries).");
        for (int index = 0; index < ConntrackMetrics.All.Length; index++)
        {
            MetricDefinition metric = ConntrackMetrics.All[index];
            if (metric.InstrumentName is not { } name)
            {
                continue;
            }

            int figure = index;
            if (metric.IsInteger)
            {
                Func<IEnumerable<Measurement<long>>> observe = () => Observe(figure) is { } v ? [new Measurement<long>((long)v)] : [];
                _ = metric.IsCounter
                    ? _meter.CreateObservableCounter(name, observe, metric.Unit, metric.Help)
                    : (ObservableInstrument<long>)_meter.CreateObservableGauge(name, observe, metric.Unit, metric.Help);
            }
            else
            {
                Func<IEnumerable<Measurement<double>>> observe = () => Observe(figure) is { } v ? [new Measurement<double>(v)] : [];
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
            ReadOnlySpan<MetricDefinition> metrics = ConntrackMetrics.All;
            for (int i = 0; i < metrics.Length; i++)
            {
                _values[i] = metrics[i].Value(report) is { } value && double.IsFinite(value) ? value : null;
            }

            _namespaceCount = 0;
            if (report.Reading.Namespaces is not null && _namespaces.Length > 0)
            {
                _namespaces[_namespaceCount++] = (NamespaceNames.Host, report.Verdict.Host.Count);
                PollItems<NamespaceDecision> others = report.Verdict.Others;
                int count = Math.Min(others.Count, _namespaces.Length - 1);
                for (int i = 0; i < count; i++)
                {
                    // The only tag is the name: namespaces that share one are told apart (made only for them).
                    NamespaceReading other = others[i].Namespace;
                    string tag = NamespaceLabels.Collides(others, count, i, null, byInode: false)
                        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{other.Name} #{other.Key.Inode}")
                        : other.Name;
                    _namespaces[_namespaceCount++] = (tag, other.Count);
                }
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveNamespaces()
    {
        lock (_gate)
        {
            var measurements = new Measurement<long>[_namespaceCount];
            for (int i = 0; i < _namespaceCount; i++)
            {
                measurements[i] = new Measurement<long>(_namespaces[i].Count, new KeyValuePair<string, object?>("namespace", _namespaces[i].Name));
            }

            return measurements;
        }
    }

    public void Dispose() => _meter.Dispose();

    private double? Observe(int figure)
    {
        lock (_gate)
        {
            return _values[figure];
        }
    }
}
