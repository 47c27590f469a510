using ConntrackWatch.Configuration;
using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Metrics;

/// <summary>Rewrites the node_exporter textfile after each completed poll, when configured; a failure is logged, not fatal.</summary>
internal sealed partial class MetricsPublisher(
    IOptions<MetricsOptions> options,
    ConntrackSettings settings,
    TimeProvider time,
    ILogger<MetricsPublisher> logger) : IPollPublisher
{
    private readonly string? _path = options.Value.ResolveTextfile();
    private readonly RepeatLimiter _faults = new(time);
    private readonly byte[] _text = new byte[PrometheusText.BufferSize];
    private AtomicFile? _writer;

    public string? TextfilePath => _path;

    public void Publish(in PollReport report)
    {
        if (_path is null || report.Outcome != PollOutcome.Completed)
        {
            return;
        }

        _writer ??= new AtomicFile(_path, $"{MetricsOptions.SectionName}:{nameof(MetricsOptions.TextfilePath)}");
        int length = PrometheusText.Render(report, _text, options.Value.NamespaceSeries);
        if (_writer.Write(_text.AsSpan(0, length)) is { } problem)
        {
            if (_faults.ShouldReport(problem, settings.Current.AlarmRepeatInterval))
            {
                LogWriteFailed(_path, problem);
            }
        }
        else
        {
            _faults.Clear();
        }
    }

    [LoggerMessage(EventId = LogEvents.MetricsWriteFailed, Level = LogLevel.Error,
        Message = "Cannot write the metrics textfile {Path}: {Problem}. Check that the directory exists and is writable (the unit needs ReadWritePaths= for it); polling goes on")]
    private partial void LogWriteFailed(string path, string problem);
}
