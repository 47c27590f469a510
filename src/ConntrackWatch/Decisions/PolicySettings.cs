namespace ConntrackWatch.Decisions;

/// <summary>What the threshold policy needs of the configuration.</summary>
/// <param name="Lookahead">Raise early when the trend reaches the high-water mark within this; zero: never.</param>
/// <param name="RaiseFor">Whose namespaces may move the maximum.</param>
internal readonly record struct PolicySettings(int HighWaterPercent, double RaiseMultiplier, TimeSpan Lookahead, RaiseFor RaiseFor = RaiseFor.System);
