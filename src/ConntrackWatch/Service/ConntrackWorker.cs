using ConntrackWatch.Configuration;
using ConntrackWatch.Logging;
using ConntrackWatch.Metrics;
using ConntrackWatch.Systemd;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>The daemon's loop: one <see cref="PollCycle.PollOnce"/> per interval until the host stops.</summary>
internal sealed partial class ConntrackWorker(
    PollCycle cycle,
    ConntrackSettings settings,
    ServiceNotifications notifications,
    MetricsPublisher metrics,
    ConntrackMeter meter,
    TimeProvider time,
    ILogger<ConntrackWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string configuration = settings.Current.Describe();
        LogStarted(Environment.ProcessId, configuration, metrics.TextfilePath ?? "off", ConntrackMeter.MeterName);
        GC.KeepAlive(meter); // resolved so that its instruments exist from the start
        TimeSpan interval = settings.Current.PollInterval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                PollAndReport();
                if (settings.Current.PollInterval != interval)
                {
                    interval = settings.Current.PollInterval;
                    timer.Period = interval;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // SIGTERM or SIGINT: the poll in progress has finished; stop cleanly.
        }

        LogStopping(cycle.RaisesTotal);
    }

    /// <summary>STOPPING=1 as soon as the host begins to stop, before the loop winds down.</summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        notifications.Stopping();
        return base.StopAsync(cancellationToken);
    }

    /// <summary>One poll, then its figures to the metrics textfile and its status line to systemd.</summary>
    internal PollResult PollAndReport()
    {
        PollResult result = PollSafely();
        if (result.Status == PollStatus.Completed)
        {
            metrics.Publish(cycle.Latest);
        }

        notifications.PollCompleted(result);
        return result;
    }

    /// <summary>One poll that cannot end the loop: an unforeseen fault is logged and the next poll tries again.</summary>
    private PollResult PollSafely()
    {
        try
        {
            return cycle.PollOnce();
        }
#pragma warning disable CA1031 // The daemon must outlive any single poll's failure; it is logged in full.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogPollFailed(e);
            return PollResult.Skipped($"unexpected {e.GetType().Name}: {e.Message}");
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
