using ConntrackWatch.Decisions;

namespace ConntrackWatch.Tests.Decisions;

public sealed class ThresholdPolicyTests
{
    private const long AmpleCeiling = 10_000_000;

    private static RaiseDecision Decide(long count, long max, long? ceiling = AmpleCeiling, int percent = 60, double multiplier = 2.0)
    {
        var window = new SampleWindow(4);
        window.Add(new Sample(0, count, max));
        return ThresholdPolicy.Decide(window, percent, multiplier, ceiling);
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
        Assert.Equal(ceiling, decision.Ceiling);
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
    public void DoesNotActTwiceOnTheSameSample()
    {
        var window = new SampleWindow(4);
        window.Add(new Sample(0, 70, 100));
        Assert.Equal(DecisionKind.Raise, ThresholdPolicy.Decide(window, 60, 2.0, AmpleCeiling).Kind);

        window.MarkLatestActedOn();

        Assert.Equal(DecisionKind.None, ThresholdPolicy.Decide(window, 60, 2.0, AmpleCeiling).Kind);
        window.Add(new Sample(1, 75, 100));
        Assert.Equal(DecisionKind.Raise, ThresholdPolicy.Decide(window, 60, 2.0, AmpleCeiling).Kind);
    }
}
