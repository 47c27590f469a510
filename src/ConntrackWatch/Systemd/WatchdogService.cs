using ConntrackWatch.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Systemd;

/// <summary>
/// Pings systemd's watchdog (WatchdogSec=) at half its interval, but only while polls keep completing, so a hung
/// poll loop stops the pings and systemd restarts the service.
/// </summary>
internal sealed partial class WatchdogService(
    ServiceNotifications notifications,
    TimeProvider time,
    ILogger<WatchdogService> logger,
    TimeSpan? timeout) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (timeout is not { } watchdog)
        {
            return;
        }

        TimeSpan period = watchdog / 2;
        using var timer = new PeriodicTimer(period, time);
        LogEnabled(watchdog, period); // after the timer exists: from here on, time that passes ticks it
        bool withheld = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!notifications.IsReady)
                {
                    continue; // systemd starts the watchdog at READY=1
                }

                if (notifications.PollsAreCompleting(period))
                {
                    notifications.Watchdog();
                    withheld = false;
                }
                else if (!withheld)
                {
                    withheld = true;
                    LogWithheld(watchdog);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = LogEvents.WatchdogEnabled, Level = LogLevel.Information,
        Message = "systemd watchdog enabled: timeout {WatchdogTimeout}, pinging every {WatchdogPeriod} while polls complete")]
    private partial void LogEnabled(TimeSpan watchdogTimeout, TimeSpan watchdogPeriod);

    [LoggerMessage(EventId = LogEvents.WatchdogWithheld, Level = LogLevel.Error,
        Message = "Polls have stopped completing: withholding the watchdog ping, so systemd restarts the service within {WatchdogTimeout}")]
    private partial void LogWithheld(TimeSpan watchdogTimeout);
}
