using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Service;

public sealed class NamespacePollTests
{
    // 1,000 KiB of "RAM" at 1024 bytes per entry and 70%: a ceiling of 700 entries for all namespaces together.
    private static readonly (string, string) SmallEntries = ("Conntrack:BytesPerEntry", "1024");

    private static FakeProcTree Tree(long hostCount, params long[] others)
    {
        FakeProcTree tree = FakeProcTree.Modern(hostCount, max: 1000, memTotalKib: 1000);
        for (int i = 0; i < others.Length; i++)
        {
            tree.WithProcessNamespace(100 + i, others[i]);
        }

        return tree;
    }

    [Fact]
    public void AlarmsWhenAllNamespacesTogetherNearTheCeilingThoughNoneIsNearItsMark()
    {
        using var harness = new PollHarness(Tree(100, 250, 300), SmallEntries);

        PollReport report = harness.Poll();
        harness.Poll();

        Assert.False(report.Raised); // 300 of 1000: no namespace is past the mark
        FakeLogRecord alarm = Assert.Single(harness.Logged(LogEvents.NamespacesNearCeiling));
        Assert.Equal(LogLevel.Error, alarm.Level);
        Assert.Equal(650, alarm.Number("TotalEntries"));
        Assert.Equal(3, alarm.Number("NamespaceCount"));
        Assert.Equal(700, alarm.Number("MemoryCeiling"));
    }

    [Fact]
    public void TheAlarmComesBackAfterTheTotalFellAndRoseAgain()
    {
        using var harness = new PollHarness(Tree(100, 250, 300), SmallEntries);
        harness.Poll();

        harness.Tree.WithProcessNamespace(101, entries: 10);
        harness.Poll();
        harness.Tree.WithProcessNamespace(101, entries: 300);
        harness.Poll();

        Assert.Equal(2, harness.Logged(LogEvents.NamespacesNearCeiling).Count);
    }

    [Fact]
    public void NoAlarmBelowNinetyPercentOfTheCeiling()
    {
        using var harness = new PollHarness(Tree(100, 250, 200), SmallEntries);

        harness.Poll();

        Assert.Empty(harness.Logged(LogEvents.NamespacesNearCeiling));
    }

    [Fact]
    public void SaysOnceWhyOnlyTheHostIsWatched()
    {
        using var harness = new PollHarness(Tree(100, 250).Delete(FakeProcTree.Stat));

        harness.Poll();
        harness.Poll();

        FakeLogRecord warning = Assert.Single(harness.Logged(LogEvents.NamespacesNotVisible));
        Assert.Contains("CONFIG_NF_CONNTRACK_PROCFS", warning.Property("Problem"), StringComparison.Ordinal);
    }

    [Fact]
    public void RaisesForTheFullestNamespaceAndTheEntryNamesIt()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 3, max: 1000).WithProcessNamespace(100, entries: 650, comm: "openvpn\n"));

        PollReport report = harness.Poll();

        Assert.True(report.Raised);
        Assert.Equal(1200, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        FakeLogRecord raised = Assert.Single(harness.Logged(LogEvents.Raised));
        Assert.Equal(650, raised.Number("ConntrackCount"));
        Assert.StartsWith("pid 100 (openvpn) (ns ", raised.Property("Reason"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheEntryOfNamespacesNotVisibleNamesAtMostTwentyAndCountsTheRest()
    {
        using FakeProcTree tree = Tree(10);
        for (int pid = 100; pid < 125; pid++)
        {
            tree.WithProcessNamespace(pid, 1);
            File.Delete(tree.PathOf($"{pid}/{FakeProcTree.Stat}"));
            Command.RunChecked("mkfifo", tree.PathOf($"{pid}/{FakeProcTree.Stat}"));
        }

        using var harness = new PollHarness(tree);
        harness.Poll();

        string problem = Assert.Single(harness.Logged(LogEvents.NamespacesNotVisible)).Property("Problem")!;
        Assert.Equal(PollCycle.UnseenListed, problem.Split("; ").Count(p => p.Contains("its stat file", StringComparison.Ordinal)));
        Assert.EndsWith("; and 5 more not visible (conntrackwatch status lists every one)", problem, StringComparison.Ordinal);
    }
}
