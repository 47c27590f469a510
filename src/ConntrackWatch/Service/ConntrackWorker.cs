using ConntrackWatch.Configuration;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Service;

/// <summary>
/// The daemon's loop: one <see cref="PollCycle.PollOnce"/> per interval until the host stops, each report handed
/// to every publisher.
/// </summary>
internal sealed partial class ConntrackWorker(
    PollCycle cycle,
    ConntrackSettings settings,
    IEnumerable<IPollPublisher> publishers,
    IOptions<MetricsOptions> metrics,
    TimeProvider time,
    ILogger<ConntrackWorker> logger) : BackgroundService
{
    // An array: iterating it allocates nothing, unlike the IEnumerable a container hands out.
    private readonly IPollPublisher[] _publishers = [.. publishers];
    private readonly Func<PollReport> _poll = cycle.PollOnce;
    private readonly RepeatLimiter _failures = new(time);
    private PeriodicTimer? _timer;
    private TimeSpan _interval;

    /// <summary>
    /// The first poll, before the host counts as started: systemd hears READY=1 only after it has read conntrack
    /// (and restored the learned max), so <c>systemctl start</c> returns with the max in force. The interval is
    /// timed from here: the timer exists before the first poll.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        string configuration = settings.Current.Describe();
        string textfile = metrics.Value.ResolveTextfile() ?? "off";
        LogStarted(Environment.ProcessId, configuration, textfile, MetricsOptions.MeterName);
        _interval = settings.Current.PollInterval;
        _timer = new PeriodicTimer(_interval, time);
        PollAndReport();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using PeriodicTimer timer = _timer ?? throw new InvalidOperationException("the worker polls only once started");
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // A reloaded interval takes effect from this poll on: the next tick is that far away.
                if (settings.Current.PollInterval != _interval)
                {
                    _interval = settings.Current.PollInterval;
                    timer.Period = _interval;
                }

                PollAndReport();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // SIGTERM or SIGINT: the poll in progress has finished; stop cleanly.
        }
    }

    /// <summary>Said once the loop has ended, whenever the host stops it: during its start too, when the loop never ran.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        LogStopping(cycle.RaisesTotal);
    }

    public override void Dispose()
    {
        _timer?.Dispose(); // where the host stopped before the loop ran
        base.Dispose();
    }

    /// <summary>One poll, then its report to every publisher.</summary>
    internal PollReport PollAndReport() => PollAndReport(_poll);

    /// <summary>One poll by <paramref name="poll"/>, then its report to every publisher.</summary>
    internal PollReport PollAndReport(Func<PollReport> poll)
    {
        PollReport report = PollSafely(poll);
        foreach (IPollPublisher publisher in _publishers)
        {
            publisher.Publish(report);
        }

        return report;
    }

    /// <summary>
    /// One poll that cannot end the loop: an unforeseen fault is logged (in full, then at most once per
    /// AlarmRepeatInterval while the same fault lasts) and the next poll tries again.
    /// </summary>
    private PollReport PollSafely(Func<PollReport> poll)
    {
        try
        {
            PollReport report = poll();
            _failures.Clear();
            return report;
        }
#pragma warning disable CA1031 // The daemon must outlive any single poll's failure; it is logged in full.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (_failures.ShouldReport($"{e.GetType().FullName}: {e.Message}", settings.Current.AlarmRepeatInterval))
            {
                LogPollFailed(e);
            }

            return new PollReport(PollOutcome.Skipped, time.GetUtcNow(), default(KernelReading), RaiseOutcome.NotRaised,
                cycle.RaisesTotal, cycle.MaxLoweredTotal, $"unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    [LoggerMessage(EventId = LogEvents.Started, Level = LogLevel.Information,
        Message = "ConntrackWatch started (pid {ProcessId}): {Configuration}; metrics textfile {MetricsTextfile}, meter {MeterName}")]
    private partial void LogStarted(int processId, string configuration, string metricsTextfile, string meterName);

    [LoggerMessage(EventId = LogEvents.Stopping, Level = LogLevel.Information,
        Message = "ConntrackWatch stopping after {RaisesTotal} raises")]
    private partial void LogStopping(long raisesTotal);

    [LoggerMessage(EventId = LogEvents.PollFailed, Level = LogLevel.Error,
        Message = "Poll failed unexpectedly; the next poll will try again")]
    private partial void LogPollFailed(Exception exception);
}
