namespace ConntrackWatch.Decisions;

/// <summary>What the threshold policy needs of the configuration.</summary>
/// <param name="Lookahead">Raise early when the trend reaches the high-water mark within this; zero: never.</param>
/// <param name="RaiseFor">Whose namespaces may move the maximum.</param>
internal readonly record struct PolicySettings(int HighWaterPercent, double RaiseMultiplier, TimeSpan Lookahead, RaiseFor RaiseFor = RaiseFor.System);

/// <summary>Whose namespaces may move the host-wide maximum (Conntrack:RaiseFor).</summary>
public enum RaiseFor
{
    /// <summary>
    /// The host's and those of its runtimes and services: a namespace owned by an unprivileged user's user
    /// namespace is watched and shown, but its evidence does not raise, does not count for <c>status</c>'s exit
    /// code and sets off no breakdown.
    /// </summary>
    System,

    /// <summary>Every namespace, an unprivileged user's included.</summary>
    All,
}
