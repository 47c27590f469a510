using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Service;

public sealed class BreakdownCaptureTests
{
    // 130 entries of a max of 200: past the mark at every poll (a dry run never raises it).
    private static PollHarness AtTheMark(params (string, string)[] settings) => new(
        FakeProcTree.Modern(count: 130, max: 200).WithUdpTable(FakeProcTree.ModernTable, 1000, ("198.51.100.7", 100), ("198.51.100.8", 30)),
        [("Conntrack:DryRun", "true"), .. settings]);

    private static async Task PollAsync(PollHarness harness, int polls)
    {
        for (int i = 0; i < polls; i++)
        {
            harness.PollAndPublish();
            await harness.Get<BreakdownCapture>().Running; // the capture runs off the poll's thread
            harness.Time.Advance(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task CapturesWhoFillsTheTableOncePerRepeatIntervalWhileTheMarkIsPassed()
    {
        using PollHarness harness = AtTheMark(("Conntrack:AlarmRepeatInterval", "00:01:00"));

        await PollAsync(harness, 6); // 30 s of polls

        FakeLogRecord captured = Assert.Single(harness.Logged(LogEvents.BreakdownCaptured));
        Assert.Equal("host", captured.Property("NamespaceName"));
        Assert.Equal("reaching the high-water mark", captured.Property("Trigger"));
        Assert.Equal(130, captured.Number("Entries"));
        Assert.Equal("198.51.100.7 100, 198.51.100.8 30", captured.Property("TopSources"));
        Assert.Equal("udp 130", captured.Property("Protocols"));
        Assert.Contains("198.51.100.7 is the source of 100 of 130", captured.Property("Advice"), StringComparison.Ordinal);

        await PollAsync(harness, 7); // past the repeat interval: once more
        Assert.Equal(2, harness.Logged(LogEvents.BreakdownCaptured).Count);
    }

    [Fact]
    public async Task TheHostsCaptureNamesTheNamespaceWhoseAddressesItsEntriesComeFrom()
    {
        const string Trie = "Local:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 198.51.100.7\n        /32 host LOCAL\n";
        using var harness = new PollHarness(
            FakeProcTree.Modern(count: 130, max: 200)
                .WithUdpTable(FakeProcTree.ModernTable, 1000, ("198.51.100.7", 100), ("198.51.100.8", 30))
                .WithProcessNamespace(100, entries: 0, cgroup: "0::/system.slice/docker-a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2.scope\n")
                .Write("100/net/fib_trie", Trie),
            ("Conntrack:DryRun", "true"), ("Conntrack:Namespaces", "All"));

        await PollAsync(harness, 1);

        FakeLogRecord captured = Assert.Single(harness.Logged(LogEvents.BreakdownCaptured));
        Assert.Equal("container a1b2c3d4e5f6 100, host 30", captured.Property("TopOwners")); // the others answered by the host's loopback
        Assert.Equal("198.51.100.7 (container a1b2c3d4e5f6) 100, 198.51.100.8 30", captured.Property("TopSources"));
        Assert.Contains("container a1b2c3d4e5f6 holds 76.9% of the table (100 of 130 entries", captured.Property("Advice"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingIsCapturedBelowTheMarkOrWhenTurnedOff()
    {
        using PollHarness below = new(FakeProcTree.Modern(count: 10, max: 100).WithUdpTable(FakeProcTree.ModernTable, 1000, ("198.51.100.7", 10)));
        using PollHarness off = AtTheMark(("Conntrack:Breakdown", "false"));

        await PollAsync(below, 3);
        await PollAsync(off, 3);

        Assert.Empty(below.Logged(LogEvents.BreakdownCaptured));
        Assert.Empty(off.Logged(LogEvents.BreakdownCaptured));
        Assert.Single(off.Logged(LogEvents.DryRunDecision));
    }

    [Fact]
    public async Task AnUnreadableTableIsOneWarningNamingTheFileNotAFailedPoll()
    {
        using PollHarness harness = new(FakeProcTree.Modern(count: 65, max: 100), ("Conntrack:DryRun", "true"));

        await PollAsync(harness, 3);

        FakeLogRecord failed = Assert.Single(harness.Logged(LogEvents.BreakdownFailed));
        Assert.Equal(harness.Tree.PathOf(FakeProcTree.ModernTable), failed.Property("Path"));
        Assert.Empty(harness.Logged(LogEvents.PollFailed));
    }

    [Fact]
    public async Task ANamespaceUnderPressureIsCapturedUnderItsNameWithItsFields()
    {
        using PollHarness harness = new(
            FakeProcTree.Modern(count: 1, max: 100).WithProcessNamespace(100, entries: 70, comm: "vpn\n")
                .WithUdpTable("100/net/nf_conntrack", 2000, ("10.8.0.9", 70)),
            ("Conntrack:DryRun", "true"));

        await PollAsync(harness, 2);

        FakeLogRecord captured = Assert.Single(harness.Logged(LogEvents.BreakdownCaptured));
        Assert.Equal("pid 100 (vpn)", captured.Property("NamespaceName"));
        Assert.Equal("10.8.0.9 70", captured.Property("TopSources"));
        Assert.Contains(captured.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(s => s), p => p.Key == "NetnsName" && (string?)p.Value == "pid 100 (vpn)");
    }

    [Fact]
    public async Task AHostCapturedAlreadyDoesNotHoldBackANamespaceUnderPressure()
    {
        // Both past the mark: the host is captured first, the namespace at the next poll, each once.
        using PollHarness harness = new(
            FakeProcTree.Modern(count: 70, max: 100).WithUdpTable(FakeProcTree.ModernTable, 1000, ("198.51.100.7", 70))
                .WithProcessNamespace(100, entries: 80, comm: "vpn\n").WithUdpTable("100/net/nf_conntrack", 2000, ("10.8.0.9", 80)),
            ("Conntrack:DryRun", "true"));

        await PollAsync(harness, 4);

        Assert.Equal(["host", "pid 100 (vpn)"], harness.Logged(LogEvents.BreakdownCaptured).Select(r => r.Property("NamespaceName")));
    }

    [Fact]
    public async Task ANamespaceThatVanishedIsForgottenOnceItsIntervalIsOver()
    {
        using PollHarness harness = new(
            FakeProcTree.Modern(count: 70, max: 100).WithUdpTable(FakeProcTree.ModernTable, 1000, ("198.51.100.7", 70))
                .WithProcessNamespace(100, entries: 80, comm: "vpn\n").WithUdpTable("100/net/nf_conntrack", 2000, ("10.8.0.9", 80)),
            ("Conntrack:DryRun", "true"), ("Conntrack:AlarmRepeatInterval", "00:00:30"));
        await PollAsync(harness, 2);
        Assert.Equal(2, harness.Get<BreakdownCapture>().RememberedCaptures); // the host, and pid 100's namespace

        harness.Tree.WithoutProcess(100);
        await PollAsync(harness, 12); // to 65 s: the host is captured again at 30 s and 60 s; by 60 s pid 100's is a minute old

        Assert.Equal(1, harness.Get<BreakdownCapture>().RememberedCaptures);
    }
}
