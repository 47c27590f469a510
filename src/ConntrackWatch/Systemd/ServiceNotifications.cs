using System.Globalization;
using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Service;

namespace ConntrackWatch.Systemd;

/// <summary>
/// What systemd hears from the daemon: READY=1 after the first poll, a STATUS= line after each, RELOADING=1 and
/// STOPPING=1 around reloads and shutdown, and whether polls are completing, for the watchdog.
/// </summary>
internal sealed class ServiceNotifications(SystemdNotifier notifier, TimeProvider time, ConntrackSettings settings) : IPollPublisher
{
    private long _lastPollCompleted;
    private bool _ready;

    public bool IsReady => _ready;

    /// <summary>
    /// READY=1 after the first poll, whether it read conntrack, found it absent or hit a fault it logged: in each
    /// case the daemon is up and watching. Later polls only update STATUS=.
    /// </summary>
    public void Publish(in PollReport report)
    {
        Volatile.Write(ref _lastPollCompleted, time.GetTimestamp());
        string status = "STATUS=" + StatusLine(report);
        notifier.Send(_ready ? status : "READY=1\n" + status);
        _ready = true;
    }

    /// <summary>Polls are completing: the last one finished within one poll interval plus <paramref name="slack"/>.</summary>
    public bool PollsAreCompleting(TimeSpan slack)
    {
        long last = Volatile.Read(ref _lastPollCompleted);
        return last != 0 && time.GetElapsedTime(last) <= settings.Current.PollInterval + slack;
    }

    public void Reloading() => notifier.Send(string.Create(CultureInfo.InvariantCulture,
        $"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds()}"));

    public void Reloaded() => notifier.Send("READY=1");

    public void Stopping() => notifier.Send("STOPPING=1\nSTATUS=stopping");

    public void Watchdog() => notifier.Send("WATCHDOG=1");

    /// <summary>One line with plain integers, for <c>systemctl status</c>.</summary>
    public static string StatusLine(in PollReport report) => report.Outcome switch
    {
        PollOutcome.Unavailable => "waiting for conntrack: the nf_conntrack module is not loaded",
        PollOutcome.Skipped => "poll skipped: " + (report.Problem ?? "see the journal"),
        _ => Completed(report.Decision.Count, report.MaxAfter, report.Decision.Ceiling, report.Decision.Trend),
    };

    private static string Completed(long count, long max, long? ceiling, Trend trend) => string.Create(CultureInfo.InvariantCulture,
        $"count {count} of max {max} ({(max > 0 ? 100.0 * count / max : 0):0.0}%), ceiling {(ceiling is { } c ? c.ToString(CultureInfo.InvariantCulture) : "unknown")}")
        + (trend.IsGrowing ? ", " + RaiseApplier.Projection(trend) : string.Empty);

    // CLOCK_MONOTONIC, which systemd compares RELOADING=1 against: .NET's Stopwatch reads it on Linux.
    private static long MonotonicMicroseconds() =>
        (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
}
