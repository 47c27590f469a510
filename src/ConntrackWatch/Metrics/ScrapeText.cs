using ConntrackWatch.Configuration;
using ConntrackWatch.Service;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Metrics;

/// <summary>
/// The last completed poll's metrics, as the textfile has them, kept for <c>GET /metrics</c>: rendered into one of
/// two kept buffers at each poll (no allocation), handed to a scrape as a copy.
/// </summary>
internal sealed class ScrapeText(IOptions<MetricsOptions> options) : IPollPublisher
{
    private readonly Lock _gate = new();
    private byte[] _current = new byte[PrometheusText.BufferSize];
    private byte[] _next = new byte[PrometheusText.BufferSize];
    private int _length;

    /// <summary>Whether a listener serves it: otherwise a poll renders nothing for it.</summary>
    public bool IsServed { get; } = options.Value.ListenOn is not null;

    public void Publish(in PollReport report)
    {
        if (!IsServed || report.Outcome != PollOutcome.Completed)
        {
            return;
        }

        int length = PrometheusText.Render(report, _next, options.Value.NamespaceSeries);
        lock (_gate)
        {
            (_current, _next) = (_next, _current);
            _length = length;
        }
    }

    /// <summary>The text of the last completed poll; empty before the first.</summary>
    public byte[] Copy()
    {
        lock (_gate)
        {
            return _current[.._length];
        }
    }
}
