using ConntrackWatch.Decisions;
using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Service;

/// <summary>Drops, trend and hash buckets through the real poll cycle over fake /proc trees.</summary>
public sealed class TroubleSignalsTests
{
    [Fact]
    public void LogsTheDropDeltasAndRaisesAtOnceWhenTheKernelDrops()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 40, max: 100).WithStat(drop: 100, earlyDrop: 10));
        Assert.False(harness.Poll().Raised);

        harness.Tree.WithStat(drop: 512, earlyDrop: 14, insertFailed: 2);
        PollReport result = harness.Poll();

        FakeLogRecord drops = Assert.Single(harness.Logged(LogEvents.KernelDrops));
        Assert.Equal(LogLevel.Warning, drops.Level);
        Assert.Equal(412, drops.Number("DropDelta"));
        Assert.Equal(4, drops.Number("EarlyDropDelta"));
        Assert.Equal(2, drops.Number("InsertFailedDelta"));
        Assert.Contains("dropped 412 packets (table full)", drops.Message, StringComparison.Ordinal);
        Assert.True(result.Raised);
        Assert.Equal(RaiseTrigger.KernelDrops, result.Decision.Trigger);
        Assert.Equal(120, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
    }

    [Fact]
    public void SaysOnceWhenTheCountersCannotBeRead()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 10, max: 100).Delete(FakeProcTree.Stat));

        harness.Poll();
        harness.Poll();

        FakeLogRecord unavailable = Assert.Single(harness.Logged(LogEvents.CountersUnavailable));
        Assert.Contains("CONFIG_NF_CONNTRACK_PROCFS", unavailable.Message, StringComparison.Ordinal);
        Assert.Equal(PollOutcome.Completed, harness.Poll().Outcome);
    }

    [Fact]
    public void RaisesBeforeTheMarkWhenTheTrendReachesItWithinTheLookahead()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1000, max: 10_000), ("Conntrack:PollInterval", "00:00:05"));
        foreach (int count in new[] { 1000, 1250, 1500 })
        {
            harness.Tree.Write(FakeProcTree.ModernCount, $"{count}\n");
            Assert.False(harness.Poll().Raised);
            harness.Time.Advance(TimeSpan.FromSeconds(5));
        }

        // 50 entries/s leaves the mark of 6000 90 s away: no raise. Then the flood: 95 entries/s over the four
        // samples puts it 37 s away, within the 1-minute lookahead.
        harness.Tree.Write(FakeProcTree.ModernCount, "2500\n");
        PollReport result = harness.Poll();

        Assert.True(result.Raised);
        Assert.Equal(RaiseTrigger.Projection, result.Decision.Trigger);
        FakeLogRecord raised = Assert.Single(harness.Logged(LogEvents.Raised));
        Assert.Contains("growing 95/s, full in 79 s", raised.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResizesTheHashTableWithTheMaxAndLogsBeforeAndAfter()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100).Write(FakeProcTree.ModernBuckets, "25\n"));

        Assert.True(harness.Poll().Raised);

        Assert.Equal(30, harness.Tree.ReadNumber(FakeProcTree.ModernBuckets));
        FakeLogRecord resized = Assert.Single(harness.Logged(LogEvents.BucketsResized));
        Assert.Equal(25, resized.Number("OldBuckets"));
        Assert.Equal(30, resized.Number("NewBuckets"));
    }

    [Fact]
    public void LeavesTheHashTableAloneWhenItIsLargeEnoughOrWhenToldTo()
    {
        using var large = new PollHarness(FakeProcTree.Modern(count: 65, max: 100).Write(FakeProcTree.ModernBuckets, "64\n"));
        using var off = new PollHarness(FakeProcTree.Modern(count: 65, max: 100).Write(FakeProcTree.ModernBuckets, "25\n"), ("Conntrack:ResizeBuckets", "false"));

        Assert.True(large.Poll().Raised);
        Assert.True(off.Poll().Raised);

        Assert.Equal(64, large.Tree.ReadNumber(FakeProcTree.ModernBuckets));
        Assert.Equal(25, off.Tree.ReadNumber(FakeProcTree.ModernBuckets));
        Assert.Empty(large.Logged(LogEvents.BucketsResized));
    }

    [Fact]
    public void SaysWhenTheHashTableIsNotWritableHere()
    {
        FakeProcTree tree = FakeProcTree.Modern(count: 400_000, max: 600_000).LinkToReadOnlySysctl(FakeProcTree.ModernBuckets);
        using var harness = new PollHarness(tree);

        Assert.True(harness.Poll().Raised);

        FakeLogRecord refused = Assert.Single(harness.Logged(LogEvents.BucketsNotResized));
        Assert.Equal(LogLevel.Error, refused.Level);
        Assert.Contains("writable only in the initial network namespace", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishesTheFiguresOfEachPoll()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100).WithStat(drop: 3, earlyDrop: 1));

        PollReport report = harness.Poll();

        Assert.Equal(65, report.Decision.Count);
        Assert.Equal(120, report.MaxAfter);
        Assert.Equal(60, report.Decision.HighWaterMark);
        Assert.Equal(30, report.Buckets);
        Assert.Equal(3, report.Counters!.Value.Drop);
        Assert.Equal(1, report.RaisesTotal);
    }
}
