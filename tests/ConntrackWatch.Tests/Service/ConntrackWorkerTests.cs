using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using ConntrackWatch.Systemd;
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

        await worker.StartAsync(cancel);
        // The timer exists before the first poll, so once that poll is seen, advancing the clock ticks it.
        await Eventually.TrueAsync(() => harness.Tree.ReadNumber(FakeProcTree.ModernMax) == 120, "the first poll raised to 120");

        harness.Tree.Write(FakeProcTree.ModernCount, "72\n");
        harness.Time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(200, cancel);
        Assert.Equal(120, harness.Tree.ReadNumber(FakeProcTree.ModernMax));

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => harness.Tree.ReadNumber(FakeProcTree.ModernMax) == 144, "the poll after 5 s raised to 144");

        await worker.StopAsync(cancel);
        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == LogEvents.Stopping);
    }

    [Fact]
    public async Task TellsSystemdItIsStoppingWhenStopped()
    {
        using var notify = new NotifySocket();
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100), notify.EnvironmentValue);
        using var worker = harness.CreateWorker(new FakeLogger<ConntrackWorker>());
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await worker.StartAsync(cancel);
        Assert.StartsWith("READY=1", notify.Receive(), StringComparison.Ordinal);

        await worker.StopAsync(cancel);

        Assert.Equal("STOPPING=1\nSTATUS=stopping", notify.Receive());
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
        harness.Time.Advance(TimeSpan.FromMinutes(1)); // the poll that picks up the new interval
        await Eventually.TrueAsync(() => harness.Cycle.Window!.Count == 2, "the second poll ran");
        await Task.Delay(100, cancel); // the loop sets the new period right after that poll
        harness.Tree.Write(FakeProcTree.ModernCount, "72\n");
        harness.Time.Advance(TimeSpan.FromSeconds(2));

        await Eventually.TrueAsync(() => harness.Tree.ReadNumber(FakeProcTree.ModernMax) == 144, "a poll 2 s later raised to 144");
        await worker.StopAsync(cancel);
    }
}
