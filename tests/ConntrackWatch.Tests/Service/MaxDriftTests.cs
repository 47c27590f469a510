using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Service;

public sealed class MaxDriftTests
{
    [Fact]
    public void AMaxLoweredBelowWhatTheDaemonWroteIsOneEventNamingTheWritersThenThePolicyGoesOn()
    {
        using var root = new TempDirectory();
        Directory.CreateDirectory(root.Combine("etc/sysctl.d"));
        File.WriteAllText(root.Combine("etc/sysctl.d/90-conntrack.conf"), "net.netfilter.nf_conntrack_max = 100\n");
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100), ("Conntrack:HostRoot", root.Path));

        Assert.Equal(0, harness.Poll().MaxLoweredTotal); // 65 of 100: raised to 120
        Assert.Equal(120, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        harness.Tree.Write(FakeProcTree.ModernMax, "100\n"); // another writer puts it back
        harness.Time.Advance(TimeSpan.FromSeconds(5));

        PollReport lowered = harness.Poll();

        FakeLogRecord drift = Assert.Single(harness.Logged(LogEvents.MaxLowered));
        Assert.Equal((100, 120), (drift.Number("ConntrackMax"), drift.Number("DaemonMax")));
        Assert.Equal("last wrote", drift.Property("DaemonMaxWas"));
        Assert.Equal("/etc/sysctl.d/90-conntrack.conf:1 sets 100", drift.Property("MaxWriters"));
        Assert.Equal(1, lowered.MaxLoweredTotal);
        Assert.Equal(120, harness.Tree.ReadNumber(FakeProcTree.ModernMax)); // the policy raised it again from 100

        harness.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, harness.Poll().MaxLoweredTotal); // back at the daemon's: nothing new
        harness.Tree.Write(FakeProcTree.ModernMax, "100\n");
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, harness.Poll().MaxLoweredTotal); // lowered once more: news again
        Assert.Equal(2, harness.Logged(LogEvents.MaxLowered).Count);
    }

    [Fact]
    public void AMaxBelowTheLearnedOneAtStartIsSaidBeforeItIsRestored()
    {
        using var state = new TempDirectory();
        File.WriteAllText(state.Combine("learned-max"), "max=150\nlearned=2026-11-30T10:00:00Z\n");
        using var harness = new PollHarness(FakeProcTree.Modern(count: 10, max: 100),
            ("Conntrack:StateDirectory", state.Path), ("Conntrack:HostRoot", state.Path));

        harness.Poll();

        FakeLogRecord drift = Assert.Single(harness.Logged(LogEvents.MaxLowered));
        Assert.Equal((100, 150, "learned before it last stopped"), (drift.Number("ConntrackMax"), drift.Number("DaemonMax"), drift.Property("DaemonMaxWas")));
        Assert.StartsWith("none found", drift.Property("MaxWriters"), StringComparison.Ordinal);
        Assert.Equal(150, harness.Tree.ReadNumber(FakeProcTree.ModernMax)); // restored as before

        harness.Tree.Write(FakeProcTree.ModernMax, "100\n"); // set back to the same value at once, before another poll
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        harness.Poll();

        Assert.Equal(2, harness.Logged(LogEvents.MaxLowered).Count); // the daemon's own write in between makes it news
        Assert.Equal("last wrote", harness.Logged(LogEvents.MaxLowered)[1].Property("DaemonMaxWas"));
    }
}
