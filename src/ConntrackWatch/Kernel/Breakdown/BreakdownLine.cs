namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>One line of a breakdown list: "10.0.0.7" with 600 entries.</summary>
/// <param name="Exact">The count is exact; otherwise it may over-state by up to <paramref name="Error"/> (a bounded count).</param>
internal readonly record struct BreakdownLine(string Key, long Count, bool Exact = true, long Error = 0);
