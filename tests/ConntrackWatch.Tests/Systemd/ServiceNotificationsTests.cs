using ConntrackWatch.Decisions;
using ConntrackWatch.Service;
using ConntrackWatch.Systemd;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Hosting.Systemd;
using NSubstitute;

namespace ConntrackWatch.Tests.Systemd;

public sealed class ServiceNotificationsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SendsTheStatusOfEachPollAndLeavesReadinessToTheHostsLifetime(bool abstractSocket)
    {
        using var notify = new NotifySocket(abstractSocket);
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1234, max: 262144, memTotalKib: 1024 * 1024), notify.EnvironmentValue);
        var notifications = harness.Get<ServiceNotifications>();

        notifications.Publish(harness.Poll());
        notifications.Publish(harness.Poll());

        long ceiling = 1024L * 1024 * 1024 * 70 / 100 / (256 + IntPtr.Size);
        Assert.Equal($"STATUS=count 1234 of max 262144 (0.5%), ceiling {ceiling}", notify.Receive());
        Assert.Equal($"STATUS=count 1234 of max 262144 (0.5%), ceiling {ceiling}", notify.Receive());
        Assert.True(notifications.IsReady);
        harness.Systemd.DidNotReceiveWithAnyArgs().Notify(default);
    }

    [Fact]
    public void AStatusValueWithALineFeedIsNeverSentAndTheLineStillChanges()
    {
        // Names are escaped where they enter; this is the sender's own refusal, for any value that slipped through.
        using var notify = new NotifySocket();
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100), notify.EnvironmentValue);
        var notifications = harness.Get<ServiceNotifications>();

        notifications.Publish(Reports.Of(PollOutcome.Skipped, "x\nSTOPPING=1\nx"));
        notifications.Publish(Reports.Of(PollOutcome.Skipped, "nul\0MAINPID=1"));

        Assert.Equal("STATUS=see the journal", notify.Receive());
        Assert.Equal("STATUS=see the journal", notify.Receive());
    }

    [Fact]
    public void ShowsTheNewMaxRightAfterARaise()
    {
        var decision = new RaiseDecision(DecisionKind.Raise, 65, 100, 60, 120, 5000, false, "r");

        Assert.Equal("count 65 of max 120 (54.2%), ceiling 5000", ServiceNotifications.StatusLine(Reports.Completed(decision, raised: true)));
        Assert.Equal("count 65 of max 100 (65.0%), ceiling 5000", ServiceNotifications.StatusLine(Reports.Completed(decision, raised: false)));
    }

    [Fact]
    public void AddsTheProjectionWhileTheTableGrows()
    {
        var decision = new RaiseDecision(DecisionKind.None, 1000, 10_000, 6000, 10_000, 50_000, false, "", RaiseTrigger.None, new Trend(12.5, 400, 720, 5));

        Assert.Equal("count 1000 of max 10000 (10.0%), ceiling 50000, growing 12.5/s, full in 720 s",
            ServiceNotifications.StatusLine(Reports.Completed(decision, raised: false)));
    }

    [Fact]
    public void SaysWhatIsWrongWhenNoCountWasRead()
    {
        Assert.StartsWith("waiting for conntrack", ServiceNotifications.StatusLine(Reports.Of(PollOutcome.Unavailable)), StringComparison.Ordinal);
        Assert.Equal("poll skipped: /proc/x: empty", ServiceNotifications.StatusLine(Reports.Of(PollOutcome.Skipped, "/proc/x: empty")));
        Assert.EndsWith("ceiling unknown", ServiceNotifications.StatusLine(
            Reports.Completed(new RaiseDecision(DecisionKind.RefusedNoCeiling, 1, 10, 6, 10, null, false, ""), raised: false)), StringComparison.Ordinal);
    }

    [Fact]
    public void AnnouncesAReloadWithTheMonotonicClockThenReadiness()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100));
        var sent = new List<string>();
        harness.Systemd.WhenForAnyArgs(s => s.Notify(default)).Do(call => sent.Add(call.Arg<ServiceState>().ToString()));
        var notifications = harness.Get<ServiceNotifications>();
        long before = (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));

        notifications.Reloading();
        notifications.Reloaded();

        Assert.Equal(2, sent.Count);
        Assert.StartsWith("RELOADING=1\nMONOTONIC_USEC=", sent[0], StringComparison.Ordinal);
        long usec = long.Parse(sent[0].Split('=')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(usec, before, before + 10_000_000);
        Assert.Equal("READY=1", sent[1]);
    }

    [Fact]
    public void AReloadOrStopGoesOnWhenSystemdsSocketIsGone()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100));
        harness.Systemd.WhenForAnyArgs(s => s.Notify(default)).Do(_ => throw new System.Net.Sockets.SocketException(111));
        var notifications = harness.Get<ServiceNotifications>();

        notifications.Reloading();
        notifications.Reloaded();
        notifications.Stopping();

        harness.Systemd.ReceivedWithAnyArgs(3).Notify(default);
    }

    [Fact]
    public void SaysNothingToANotifierThatIsNotEnabled()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100));
        harness.Systemd.IsEnabled.Returns(false);

        harness.Get<ServiceNotifications>().Reloading();

        harness.Systemd.DidNotReceiveWithAnyArgs().Notify(default);
    }

    [Fact]
    public void DoesNothingOutsideSystemd()
    {
        using var notifier = new StatusSender(null);

        Assert.False(notifier.IsEnabled);
        Assert.False(notifier.Send("WATCHDOG=1"u8));
    }

    [Theory]
    [InlineData("30000000", null, 30)]
    [InlineData("30000000", "SELF", 30)]
    [InlineData("30000000", "1", null)]
    [InlineData(null, null, null)]
    [InlineData("0", null, null)]
    [InlineData("soon", null, null)]
    public void ReadsTheWatchdogSystemdSetForThisProcess(string? usec, string? pid, int? expectedSeconds)
    {
        const int self = 4242;
        string? Env(string name) => name switch
        {
            "WATCHDOG_USEC" => usec,
            "WATCHDOG_PID" => pid == "SELF" ? self.ToString(System.Globalization.CultureInfo.InvariantCulture) : pid,
            _ => null,
        };

        Assert.Equal(expectedSeconds is { } s ? TimeSpan.FromSeconds(s) : null, WatchdogSettings.FromEnvironment(Env, self));
    }
}
