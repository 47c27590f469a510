using ConntrackWatch.Decisions;

namespace ConntrackWatch.Status;

/// <summary>The threshold policy's decision on this reading, as <c>status --json</c> shows it.</summary>
/// <param name="Action">none, raise, refused-at-ceiling or refused-no-ceiling.</param>
/// <param name="Trigger">none, high-water-mark, kernel-drops or projection.</param>
/// <param name="Target">The maximum the daemon would write now; the current maximum when it would write none.</param>
/// <param name="Reason">The sentence the daemon logs with the decision; null when no raise is due.</param>
internal sealed record StatusDecision(string Action, string Trigger, long Target, string? Reason)
{
    public static StatusDecision From(in RaiseDecision decision) => new(
        decision.Kind switch
        {
            DecisionKind.Raise => "raise",
            DecisionKind.RefusedAtCeiling => "refused-at-ceiling",
            DecisionKind.RefusedNoCeiling => "refused-no-ceiling",
            _ => "none",
        },
        decision.Trigger switch
        {
            RaiseTrigger.HighWaterMark => "high-water-mark",
            RaiseTrigger.KernelDrops => "kernel-drops",
            RaiseTrigger.Projection => "projection",
            _ => "none",
        },
        decision.Target,
        string.IsNullOrEmpty(decision.Reason) ? null : decision.Reason);

    /// <summary>One line for a person: what the daemon would do now, and why.</summary>
    public string Describe() => Action switch
    {
        "raise" => $"would raise to {Target}: {Reason}",
        "none" => "none: no raise is due",
        _ => $"raise refused ({Action}): {Reason}",
    };
}
