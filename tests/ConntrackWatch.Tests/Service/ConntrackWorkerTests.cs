using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Service;

public sealed class ConntrackWorkerTests
{
    [Fact]
    public async Task PollsAtStartThenOncePerIntervalUntilStopped()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100), ("Conntrack:PollInterval", "00:00:05"));
        var logger = new FakeLogger<ConntrackWorker>();
        using var worker = harness.CreateWorker(logger);
        CancellationToken cancel = TestContext.Current.CancellationToken;

        DateTimeOffset start = harness.Time.GetUtcNow();
        await worker.StartAsync(cancel);
        // The timer exists before the first poll, so once that poll is seen, advancing the clock ticks it.
        await Eventually.TrueAsync(() => harness.Published.Count == 1, "the first poll completed");
        Assert.Equal(120, harness.Tree.ReadNumber(FakeProcTree.ModernMax));

        harness.Tree.Write(FakeProcTree.ModernCount, "72\n");
        harness.Time.Advance(TimeSpan.FromSeconds(4));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => harness.Published.Count == 2, "the poll after 5 s completed");

        // The second poll ran when the interval was over, not at 4 s: its report says when.
        Assert.Equal(start + TimeSpan.FromSeconds(5), harness.Published[1].Time);
        Assert.Equal(144, harness.Tree.ReadNumber(FakeProcTree.ModernMax));

        await worker.StopAsync(cancel);
        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == LogEvents.Stopping);
    }

    [Fact]
    public async Task TakesANewIntervalFromAReload()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100), ("Conntrack:PollInterval", "00:01:00"));
        using var worker = harness.CreateWorker(new FakeLogger<ConntrackWorker>());
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await worker.StartAsync(cancel);
        await Eventually.TrueAsync(() => harness.Tree.ReadNumber(FakeProcTree.ModernMax) == 120, "the first poll raised to 120");

        harness.Reconfigure("Conntrack:PollInterval", "00:00:02");
        harness.Time.Advance(TimeSpan.FromMinutes(1)); // the tick whose poll picks up the new interval
        // The loop takes a new interval before it polls, so once that poll is published the period is 2 s.
        await Eventually.TrueAsync(() => harness.Published.Count == 2, "the second poll ran");
        harness.Tree.Write(FakeProcTree.ModernCount, "72\n");
        harness.Time.Advance(TimeSpan.FromSeconds(2));

        await Eventually.TrueAsync(() => harness.Tree.ReadNumber(FakeProcTree.ModernMax) == 144, "a poll 2 s later raised to 144");
        await worker.StopAsync(cancel);
    }
}
