using ConntrackWatch.Decisions;

namespace ConntrackWatch.Status;

/// <summary>One namespace in <c>status</c>.</summary>
/// <param name="Drops">drop + early_drop since the namespace was created (since boot for the host's); null when unreadable.</param>
/// <param name="State">ok, warning, critical, or unknown when its stat file could not be read.</param>
internal sealed record StatusNamespace(
    string Name,
    long? Inode,
    long? Count,
    long? Max,
    double? Percent,
    long? Drops,
    StatusDecision? Decision,
    string State,
    string? Problem = null)
{
    public static StatusNamespace From(string name, long? inode, in RaiseDecision decision, long? drops) => new(
        name,
        inode,
        decision.Count,
        decision.CurrentMax,
        Math.Round(decision.Percent, 2),
        drops,
        StatusDecision.From(decision),
        StatusProbe.StateOf(decision).ToString().ToLowerInvariant());
}
