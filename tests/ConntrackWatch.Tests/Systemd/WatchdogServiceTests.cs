using ConntrackWatch.Logging;
using ConntrackWatch.Systemd;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Systemd;

public sealed class WatchdogServiceTests
{
    [Fact]
    public async Task PingsAtHalfTheTimeoutWhilePollsCompleteAndStopsWhenTheyDoNot()
    {
        using var notify = new NotifySocket();
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100), notify.EnvironmentValue, ("Conntrack:PollInterval", "00:00:05"));
        var notifications = harness.Get<ServiceNotifications>();
        var logger = new FakeLogger<WatchdogService>();
        using var watchdog = new WatchdogService(notifications, harness.Time, logger, TimeSpan.FromSeconds(30));
        CancellationToken cancel = TestContext.Current.CancellationToken;
        notifications.Publish(harness.Poll());
        Assert.StartsWith("STATUS=count 1 of max 100", notify.Receive(), StringComparison.Ordinal);

        await watchdog.StartAsync(cancel);
        await Eventually.TrueAsync(() => logger.Collector.GetSnapshot().Any(r => r.Id.Id == LogEvents.WatchdogEnabled), "the watchdog started");
        harness.Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("WATCHDOG=1", notify.Receive());

        // No poll for 30 s: more than one 5 s interval plus the 15 s ping period.
        harness.Time.Advance(TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(() => logger.Collector.GetSnapshot().Any(r => r.Id.Id == LogEvents.WatchdogWithheld), "the ping was withheld");
        Assert.False(notify.HasMessage(TimeSpan.FromMilliseconds(200)));

        notifications.Publish(harness.Poll());
        Assert.StartsWith("STATUS=", notify.Receive(), StringComparison.Ordinal);
        harness.Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("WATCHDOG=1", notify.Receive());
        await watchdog.StopAsync(cancel);
    }

    [Fact]
    public async Task DoesNothingWithoutWatchdogSec()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100));
        var logger = new FakeLogger<WatchdogService>();
        using var watchdog = new WatchdogService(harness.Get<ServiceNotifications>(), harness.Time, logger, timeout: null);

        await watchdog.StartAsync(TestContext.Current.CancellationToken);
        await watchdog.ExecuteTask!;

        Assert.Empty(logger.Collector.GetSnapshot());
    }
}
