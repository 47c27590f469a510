using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Status;

/// <summary>One namespace in <c>status</c>.</summary>
/// <param name="Drops">drop + early_drop since the namespace was created (since boot for the host's); null when unreadable.</param>
/// <param name="State">ok, warning, critical, or unknown when its stat file could not be read.</param>
/// <param name="Owner">system, or user: an unprivileged user's user namespace owns it.</param>
/// <param name="Counted">Whether its state counts for the exit code (false for a user's, unless Conntrack:RaiseFor=All).</param>
internal sealed record StatusNamespace(
    string Name,
    long? Inode,
    long? Count,
    long? Max,
    double? Percent,
    long? Drops,
    StatusDecision? Decision,
    string State,
    string? Problem = null,
    string Owner = "system",
    bool Counted = true)
{
    public static StatusNamespace From(string name, long? inode, in RaiseDecision decision, long? drops, NamespaceOwner owner = NamespaceOwner.System, bool counted = true) => new(
        name,
        inode,
        decision.Count,
        decision.CurrentMax,
        Math.Round(decision.Percent, 2),
        drops,
        StatusDecision.From(decision, counted),
        StatusProbe.StateOf(decision).ToString().ToLowerInvariant(),
        Owner: OwnerName(owner),
        Counted: counted);

    public static string OwnerName(NamespaceOwner owner) => owner == NamespaceOwner.User ? "user" : "system";
}
