using ConntrackWatch.Decisions;

namespace ConntrackWatch.Status;

/// <summary>The threshold policy's decision on this reading, as <c>status --json</c> shows it.</summary>
/// <param name="Action">none, raise, refused-at-ceiling, refused-no-ceiling, or not-acted-on (an unprivileged user's namespace).</param>
/// <param name="Trigger">none, high-water-mark, kernel-drops or projection.</param>
/// <param name="Target">The maximum the daemon would write now; the current maximum when it would write none.</param>
/// <param name="Reason">The sentence the daemon logs with the decision; null when no raise is due.</param>
internal sealed record StatusDecision(string Action, string Trigger, long Target, string? Reason)
{
    /// <param name="isActedOn">False for a namespace whose evidence does not move the maximum (<see cref="NamespaceDecision.IsActedOn"/>).</param>
    public static StatusDecision From(in RaiseDecision decision, bool isActedOn = true) => new(
        decision.Kind switch
        {
            not DecisionKind.None when !isActedOn => NotActedOn,
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
        isActedOn ? decision.Target : decision.CurrentMax,
        string.IsNullOrEmpty(decision.Reason) ? null
            : isActedOn ? decision.Reason
            : $"{decision.Reason}; but an unprivileged user owns this namespace, so it does not move the host-wide maximum (Conntrack:RaiseFor=All would let it)");

    private const string NotActedOn = "not-acted-on";

    /// <summary>One line for a person: what the daemon would do now, and why.</summary>
    public string Describe() => Action switch
    {
        "raise" => $"would raise to {Target}: {Reason}",
        "none" => "none: no raise is due",
        NotActedOn => $"none: {Reason}",
        _ => $"raise refused ({Action}): {Reason}",
    };
}
