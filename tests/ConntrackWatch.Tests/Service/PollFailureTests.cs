using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Service;

public sealed class PollFailureTests
{
    [Fact]
    public void LogsAnUnforeseenPollFailureOnceWhileItLastsThenAgainAfterTheRepeatInterval()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100), ("Conntrack:AlarmRepeatInterval", "00:05:00"));
        var logger = new FakeLogger<ConntrackWorker>();
        using ConntrackWorker worker = harness.CreateWorker(logger);
        PollReport Boom() => throw new InvalidOperationException("boom");

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(PollOutcome.Skipped, worker.PollAndReport(Boom).Outcome);
        }

        Assert.Equal(1, logger.Collector.GetSnapshot().Count(r => r.Id.Id == LogEvents.PollFailed));
        harness.Time.Advance(TimeSpan.FromMinutes(5));
        worker.PollAndReport(Boom);
        Assert.Equal(2, logger.Collector.GetSnapshot().Count(r => r.Id.Id == LogEvents.PollFailed));
        Assert.Equal("poll skipped: unexpected InvalidOperationException: boom", ConntrackWatch.Systemd.ServiceNotifications.StatusLine(worker.PollAndReport(Boom)));
    }
}
