using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Decisions;

public sealed class ThresholdPolicyTests
{
    private const long AmpleCeiling = 10_000_000;
    private static readonly PolicySettings Defaults = new(60, 2.0, TimeSpan.FromMinutes(1));

    private static RaiseDecision Decide(long count, long max, long? ceiling = AmpleCeiling, int percent = 60, double multiplier = 2.0)
    {
        var window = new SampleWindow(4);
        window.Add(new Sample(0, count, max));
        return ThresholdPolicy.Decide(window, new PolicySettings(percent, multiplier, TimeSpan.FromMinutes(1)), ceiling);
    }

    [Fact]
    public void DoesNothingBelowTheHighWaterMark()
    {
        RaiseDecision decision = Decide(count: 59, max: 100);

        Assert.Equal(DecisionKind.None, decision.Kind);
        Assert.Equal(60, decision.HighWaterMark);
    }

    [Fact]
    public void RaisesToTwiceTheHighWaterMarkWhenTheCountReachesIt()
    {
        RaiseDecision decision = Decide(count: 60, max: 100);

        Assert.Equal(DecisionKind.Raise, decision.Kind);
        Assert.Equal(120, decision.Target);
        Assert.False(decision.ClampedToCeiling);
        Assert.Contains("high-water mark 60", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReproducesTheOldScriptOnTheKernelDefault()
    {
        // 60% of 262144 is 157286.4: a count of 157287 has reached it; the new max is 2 x 157287.
        RaiseDecision decision = Decide(count: 157_287, max: 262_144);

        Assert.Equal(157_287, decision.HighWaterMark);
        Assert.Equal(314_574, decision.Target);
        Assert.Equal(DecisionKind.None, Decide(count: 157_286, max: 262_144).Kind);
    }

    [Theory]
    [InlineData(80, 1.5, 100, 120)]
    [InlineData(50, 3.0, 1000, 1500)]
    public void FollowsTheConfiguredPercentAndMultiplier(int percent, double multiplier, long max, long expected)
    {
        long mark = ThresholdPolicy.HighWaterMark(max, percent);

        Assert.Equal(expected, Decide(count: mark, max: max, percent: percent, multiplier: multiplier).Target);
    }

    [Fact]
    public void RaisesOnlyToTheCeilingWhenTheTargetWouldExceedIt()
    {
        RaiseDecision decision = Decide(count: 65, max: 100, ceiling: 110);

        Assert.Equal(DecisionKind.Raise, decision.Kind);
        Assert.Equal(110, decision.Target);
        Assert.True(decision.ClampedToCeiling);
        Assert.Contains("ceiling 110", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(90)]
    public void RefusesWhenTheMaxIsAlreadyAtOrAboveTheCeiling(long ceiling)
    {
        RaiseDecision decision = Decide(count: 65, max: 100, ceiling: ceiling);

        Assert.Equal(DecisionKind.RefusedAtCeiling, decision.Kind);
        Assert.Equal(100, decision.Target);
        Assert.Equal(ceiling, decision.Limit);
        Assert.Equal(ceiling, decision.MemoryCeiling); // no other namespace: the limit is the ceiling
    }

    [Fact]
    public void RefusesWhenTheCeilingIsUnknown()
    {
        Assert.Equal(DecisionKind.RefusedNoCeiling, Decide(count: 65, max: 100, ceiling: null).Kind);
    }

    [Fact]
    public void NeverLowersTheMaxEvenWhenRoundingWouldKeepItFlat()
    {
        // 1% of 10 rounds up to a mark of 1; 1 x 1.5 floors to 1, below the max: the target must still grow.
        RaiseDecision decision = Decide(count: 1, max: 10, percent: 1, multiplier: 1.5);

        Assert.Equal(DecisionKind.Raise, decision.Kind);
        Assert.True(decision.Target > 10);
    }

    [Fact]
    public void NeverExceedsWhatTheKernelAccepts()
    {
        RaiseDecision decision = Decide(count: 2_000_000_000, max: 2_000_000_000, ceiling: long.MaxValue);

        Assert.Equal(DecisionKind.Raise, decision.Kind);
        Assert.Equal(int.MaxValue, decision.Target);
        Assert.Equal(DecisionKind.RefusedAtCeiling, Decide(count: int.MaxValue, max: int.MaxValue, ceiling: long.MaxValue).Kind);
    }

    [Fact]
    public void LeavesAnUnlimitedMaxAlone()
    {
        Assert.Equal(DecisionKind.None, Decide(count: 5000, max: 0).Kind);
    }

    [Fact]
    public void InACoarseWindowDropsAreCountedFromThePollBeforeNotTheKeptSampleBefore()
    {
        // Kept samples 100 s apart, polls every second: drops at one poll are evidence at that poll only.
        var window = new SampleWindow(4, spacingSeconds: 100);
        for (int second = 0; second < 250; second++)
        {
            window.Add(new Sample(second, 10, 100, TableFullDrops: 5));
        }

        window.Add(new Sample(250, 10, 100, TableFullDrops: 12));
        RaiseDecision dropped = ThresholdPolicy.Decide(window, Defaults, AmpleCeiling);
        window.Add(new Sample(251, 10, 100, TableFullDrops: 12));
        RaiseDecision after = ThresholdPolicy.Decide(window, Defaults, AmpleCeiling);

        Assert.Equal((RaiseTrigger.KernelDrops, 7L), (dropped.Trigger, dropped.DroppedSinceLastPoll));
        Assert.Equal((RaiseTrigger.None, 0L), (after.Trigger, after.DroppedSinceLastPoll));
    }

    [Fact]
    public void RaisesAtOnceWhenTheKernelDroppedPacketsSinceTheLastPoll()
    {
        var window = new SampleWindow(4);
        window.Add(new Sample(0, 40, 100, TableFullDrops: 7));
        window.Add(new Sample(5, 41, 100, TableFullDrops: 19));

        RaiseDecision decision = ThresholdPolicy.Decide(window, Defaults, AmpleCeiling);

        Assert.Equal(DecisionKind.Raise, decision.Kind);
        Assert.Equal(RaiseTrigger.KernelDrops, decision.Trigger);
        Assert.Equal(12, decision.DroppedSinceLastPoll);
        Assert.Equal(120, decision.Target);
        Assert.Contains("dropped 12 packets", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IgnoresDropCountersThatDidNotGrowOrAreUnknown()
    {
        var window = new SampleWindow(4);
        window.Add(new Sample(0, 40, 100, TableFullDrops: 7));
        window.Add(new Sample(5, 40, 100, TableFullDrops: 7));
        Assert.Equal(DecisionKind.None, ThresholdPolicy.Decide(window, Defaults, AmpleCeiling).Kind);

        window.Add(new Sample(10, 40, 100, TableFullDrops: null));
        Assert.Equal(DecisionKind.None, ThresholdPolicy.Decide(window, Defaults, AmpleCeiling).Kind);
    }

    [Fact]
    public void DropsDuringACountersFaultAreCountedOnceTheCountersAreReadAgainAsTheDropWatchCountsThem()
    {
        // 7, then a poll that could not read the counters, then 25: 18 dropped since the last readable poll. The
        // drop watch logs 18 from its own baseline; the policy saw 0 when it measured from the unreadable poll.
        var window = new SampleWindow(4);
        window.Add(new Sample(0, 40, 100, TableFullDrops: 7));
        window.Add(new Sample(5, 40, 100, TableFullDrops: null));
        window.Add(new Sample(10, 40, 100, TableFullDrops: 25));

        RaiseDecision decision = ThresholdPolicy.Decide(window, Defaults, AmpleCeiling);

        Assert.Equal((RaiseTrigger.KernelDrops, 18L), (decision.Trigger, decision.DroppedSinceLastPoll));
        Assert.Equal(18, new ConntrackCounters(20, 5, 0, null).Since(new ConntrackCounters(5, 2, 0, null)).TableFull);
    }

    [Theory]
    [InlineData(5000, 100, 3000L, 0, "Raise", 3000)]        // bounded by the ceiling
    [InlineData(5000, 100, 3000L, 1000, "Raise", 2000)]     // and by what the other namespaces hold, as a raise is
    [InlineData(1500, 100, 3000L, 1000, "Raise", 1500)]     // the learned max, when it fits
    [InlineData(5000, 2500, 3000L, 1000, "None", 2500)]     // the memory allows no more than the kernel has
    [InlineData(100, 200, 3000L, 0, "None", 200)]           // not after a reboot: the kernel has more
    [InlineData(5000, 100, null, 0, "RefusedNoCeiling", 100)]
    public void RestoresTheLearnedMaxBoundedAsARaiseIs(long learned, long current, long? ceiling, long others, string kind, long target)
    {
        (DecisionKind decided, long to, _) = ThresholdPolicy.Restore(learned, current, ceiling, others);

        Assert.Equal((Enum.Parse<DecisionKind>(kind), target), (decided, to));
    }

    [Fact]
    public void RaisesEarlyWhenTheTrendReachesTheMarkWithinTheLookahead()
    {
        // 10 entries/s from 1000 of 10000: the mark 6000 is 500 s away; then 100/s makes it 50 s.
        var slow = new SampleWindow(10);
        var fast = new SampleWindow(10);
        for (int i = 0; i < 4; i++)
        {
            slow.Add(new Sample(i * 5, 1000 + (i * 50), 10_000));
            fast.Add(new Sample(i * 5, 1000 + (i * 500), 10_000));
        }

        RaiseDecision calm = ThresholdPolicy.Decide(slow, Defaults, AmpleCeiling);
        RaiseDecision early = ThresholdPolicy.Decide(fast, Defaults, AmpleCeiling);

        Assert.Equal(DecisionKind.None, calm.Kind);
        Assert.Equal(10, calm.Trend.GrowthPerSecond, precision: 6);
        Assert.Equal(DecisionKind.Raise, early.Kind);
        Assert.Equal(RaiseTrigger.Projection, early.Trigger);
        Assert.Equal(100, early.Trend.GrowthPerSecond, precision: 6);
        Assert.Equal(35, early.Trend.SecondsToMark!.Value, precision: 6);
        Assert.Equal(12_000, early.Target);
        Assert.Contains("reaches the high-water mark 6000 in 35 s", early.Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.None, ThresholdPolicy.Decide(fast, Defaults with { Lookahead = TimeSpan.Zero }, AmpleCeiling).Kind);
    }

    [Fact]
    public void TrendsOnlyOverSamplesTakenUnderTheCurrentMax()
    {
        var window = new SampleWindow(10);
        window.Add(new Sample(0, 1000, 10_000));
        window.Add(new Sample(5, 3500, 10_000));
        window.Add(new Sample(10, 6000, 10_000));
        window.Add(new Sample(15, 6000, 12_000)); // raised: the steep climb above is old evidence
        window.Add(new Sample(20, 6010, 12_000));

        RaiseDecision decision = ThresholdPolicy.Decide(window, Defaults, AmpleCeiling);

        Assert.Equal(2, decision.Trend.Samples);
        Assert.False(decision.Trend.IsGrowing);
        Assert.Equal(DecisionKind.None, decision.Kind);
    }

    [Fact]
    public void ProjectsWhenTheTableWouldBeFull()
    {
        var window = new SampleWindow(10);
        for (int i = 0; i < 5; i++)
        {
            window.Add(new Sample(i, 100 + (i * 10), 1000));
        }

        Trend trend = Trend.Of(window, ThresholdPolicy.HighWaterMark(1000, 60));

        Assert.True(trend.IsGrowing);
        Assert.Equal(86, trend.SecondsToFull!.Value, precision: 6);
        Assert.Equal(46, trend.SecondsToMark!.Value, precision: 6);
    }
}
