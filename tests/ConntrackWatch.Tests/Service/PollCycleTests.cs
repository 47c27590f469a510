using ConntrackWatch.Decisions;
using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Service;

public sealed class PollCycleTests
{
    // 158 KiB of "RAM" at 1024 bytes per entry and 70%: a ceiling of 110 entries.
    private static FakeProcTree SmallMemoryTree(long count, long max) => FakeProcTree.Modern(count, max, memTotalKib: 158);

    private static readonly (string, string) SmallEntries = ("Conntrack:BytesPerEntry", "1024");

    [Fact]
    public void RaisesTheMaxAndLogsOldNewCountMarkAndCeiling()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100));

        PollReport result = harness.Poll();

        Assert.True(result.Raised);
        Assert.Equal(120, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        FakeLogRecord raised = Assert.Single(harness.Logged(LogEvents.Raised));
        Assert.Equal(LogLevel.Warning, raised.Level);
        Assert.Equal(100, raised.Number("OldMax"));
        Assert.Equal(120, raised.Number("NewMax"));
        Assert.Equal(65, raised.Number("ConntrackCount"));
        Assert.Equal(60, raised.Number("HighWaterMark"));
        Assert.True(raised.Number("MemoryCeiling") > 120);
        Assert.Contains("high-water mark 60", raised.Property("Reason"), StringComparison.Ordinal);
    }

    [Fact]
    public void DoesNothingBelowTheHighWaterMark()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 59, max: 100));

        PollReport result = harness.Poll();

        Assert.Equal(PollOutcome.Completed, result.Outcome);
        Assert.Equal(DecisionKind.None, result.Decision.Kind);
        Assert.Equal(100, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public void RaisesAgainOnlyWhenTheCountReachesTheNewMark()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100));
        harness.Poll();

        harness.Tree.Write(FakeProcTree.ModernCount, "71\n");
        Assert.False(harness.Poll().Raised);

        harness.Tree.Write(FakeProcTree.ModernCount, "72\n");
        Assert.True(harness.Poll().Raised);
        Assert.Equal(144, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
    }

    [Fact]
    public void RaisesTheLegacyMaxByCountingTheTable()
    {
        using var harness = new PollHarness(FakeProcTree.Legacy(entries: 70, max: 100));

        Assert.True(harness.Poll().Raised);

        Assert.Equal(120, harness.Tree.ReadNumber(FakeProcTree.LegacyMax));
    }

    [Fact]
    public void DryRunDecidesAndLogsButWritesNothingAndDoesNotRepeatItself()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100), ("Conntrack:DryRun", "true"));

        harness.Poll();
        harness.Poll();
        harness.Poll();

        Assert.Equal(100, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        FakeLogRecord decision = Assert.Single(harness.Logged(LogEvents.DryRunDecision));
        Assert.Contains("would raise nf_conntrack_max from 100 to 120", decision.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Logged(LogEvents.Raised));

        harness.Time.Advance(TimeSpan.FromMinutes(5));
        harness.Poll();
        Assert.Equal(2, harness.Logged(LogEvents.DryRunDecision).Count);
    }

    [Fact]
    public void RaisesToTheCeilingThenAlarmsWithoutFloodingAndSaysWhenItClears()
    {
        using var harness = new PollHarness(SmallMemoryTree(count: 65, max: 100), SmallEntries);

        Assert.True(harness.Poll().Raised);
        Assert.Equal(110, harness.Tree.ReadNumber(FakeProcTree.ModernMax));

        harness.Tree.Write(FakeProcTree.ModernCount, "100\n");
        Assert.Equal(DecisionKind.RefusedAtCeiling, harness.Poll().Decision.Kind);
        harness.Poll();
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        harness.Poll();

        FakeLogRecord alarm = Assert.Single(harness.Logged(LogEvents.CeilingAlarm));
        Assert.Equal(LogLevel.Error, alarm.Level);
        Assert.Equal(110, alarm.Number("MemoryCeiling"));
        Assert.Equal(100, alarm.Number("ConntrackCount"));
        Assert.Equal(110, alarm.Number("ConntrackMax"));
        Assert.Equal(110, harness.Tree.ReadNumber(FakeProcTree.ModernMax));

        harness.Time.Advance(TimeSpan.FromMinutes(3));
        harness.Poll();
        Assert.Equal(2, harness.Logged(LogEvents.CeilingAlarm).Count);

        harness.Tree.Write(FakeProcTree.ModernCount, "10\n");
        harness.Poll();
        harness.Poll();
        Assert.Single(harness.Logged(LogEvents.CeilingAlarmCleared));
    }

    [Fact]
    public void WaitsForConntrackSayingSoOnceAndPicksItUpWhenItAppears()
    {
        var tree = new FakeProcTree().WithMemInfo(1024 * 1024);
        using var harness = new PollHarness(tree);

        Assert.Equal(PollOutcome.Unavailable, harness.Poll().Outcome);
        harness.Poll();
        harness.Poll();

        FakeLogRecord waiting = Assert.Single(harness.Logged(LogEvents.Unavailable));
        Assert.Contains("modprobe nf_conntrack", waiting.Message, StringComparison.Ordinal);

        tree.Write(FakeProcTree.ModernMax, "100\n").Write(FakeProcTree.ModernCount, "65\n");
        Assert.True(harness.Poll().Raised);
        Assert.Single(harness.Logged(LogEvents.LayoutDetected));
    }

    [Fact]
    public void SkipsPollsWhileTheCountIsMalformedAndRecovers()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100));
        harness.Tree.Write(FakeProcTree.ModernCount, "garbage\n");

        Assert.Equal(PollOutcome.Skipped, harness.Poll().Outcome);
        harness.Poll();
        harness.Poll();

        FakeLogRecord fault = Assert.Single(harness.Logged(LogEvents.ReadFault));
        Assert.Equal(LogLevel.Error, fault.Level);
        Assert.Equal(harness.Tree.PathOf(FakeProcTree.ModernCount), fault.Property("Path"));
        Assert.Contains("found 'garbage'", fault.Message, StringComparison.Ordinal);
        Assert.Equal(100, harness.Tree.ReadNumber(FakeProcTree.ModernMax));

        harness.Tree.Write(FakeProcTree.ModernCount, "65\n");
        Assert.True(harness.Poll().Raised);
        Assert.Single(harness.Logged(LogEvents.ReadRecovered));
    }

    [Fact]
    public void SkipsAPollWhenTheMaxIsEmpty()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100));
        harness.Tree.Write(FakeProcTree.ModernMax, "");

        Assert.Equal(PollOutcome.Skipped, harness.Poll().Outcome);

        Assert.Contains("empty", Assert.Single(harness.Logged(LogEvents.ReadFault)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindsTheFilesAgainAfterTheModuleIsReloaded()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 10, max: 100));
        harness.Poll();
        harness.Tree.Delete(FakeProcTree.ModernCount).Delete(FakeProcTree.ModernMax);

        Assert.NotEqual(PollOutcome.Completed, harness.Poll().Outcome);
        Assert.Equal(PollOutcome.Unavailable, harness.Poll().Outcome);

        harness.Tree.Write(FakeProcTree.ModernMax, "100\n").Write(FakeProcTree.ModernCount, "70\n");
        Assert.True(harness.Poll().Raised);
    }

    [Fact]
    public void KeepsMonitoringWhenTheMaxIsReadOnly()
    {
        FakeProcTree tree = FakeProcTree.Modern(count: 50_000, max: 1).LinkToReadOnlySysctl(FakeProcTree.ModernMax);
        using var harness = new PollHarness(tree);

        PollReport first = harness.Poll();
        harness.Poll();

        Assert.Equal(PollOutcome.Completed, first.Outcome);
        Assert.False(first.Raised);
        FakeLogRecord failed = Assert.Single(harness.Logged(LogEvents.WriteFailed));
        Assert.Contains("not writable in this network namespace", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Only the host's initial network namespace can change nf_conntrack_max", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Conntrack:DryRun=true", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesToRaiseWithoutAMemoryCeilingAndNamesMemInfo()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100).Write("meminfo", "nonsense\n"));

        PollReport result = harness.Poll();

        Assert.Equal(DecisionKind.RefusedNoCeiling, result.Decision.Kind);
        Assert.Equal(100, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.Contains(harness.Tree.PathOf("meminfo"), Assert.Single(harness.Logged(LogEvents.CeilingFault)).Message, StringComparison.Ordinal);
        Assert.Single(harness.Logged(LogEvents.RaiseRefusedNoCeiling));
    }

    [Fact]
    public void LogsTheCeilingWithItsInputsOnceUntilItChanges()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100, memTotalKib: 1024 * 1024));

        harness.Poll();
        harness.Poll();

        FakeLogRecord ceiling = Assert.Single(harness.Logged(LogEvents.CeilingComputed));
        Assert.Equal(1024L * 1024 * 1024, ceiling.Number("MemTotalBytes"));
        Assert.Equal(256 + IntPtr.Size, ceiling.Number("BytesPerEntry"));
    }

    [Fact]
    public void AppliesAReloadedHighWaterPercentAtTheNextPoll()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 55, max: 100));
        Assert.False(harness.Poll().Raised);

        harness.Reconfigure("Conntrack:HighWaterPercent", "55");

        Assert.True(harness.Poll().Raised);
        Assert.Equal(110, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.Single(harness.Logged(LogEvents.ConfigurationReloaded));
    }

    [Fact]
    public void KeepsTheOldValuesWhenAReloadIsInvalid()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 55, max: 100));

        // 50% x 2.0 would not raise the maximum at all: rejected, 60% stays in force.
        harness.Reconfigure("Conntrack:HighWaterPercent", "50");

        Assert.False(harness.Poll().Raised);
        Assert.Equal(60, harness.Settings.Current.HighWaterPercent);
        FakeLogRecord rejected = Assert.Single(harness.Logged(LogEvents.ConfigurationRejected));
        Assert.Equal(LogLevel.Error, rejected.Level);
        Assert.Contains("Conntrack:RaiseMultiplier", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("HighWaterPercent=60", rejected.Message, StringComparison.Ordinal);
    }
}
