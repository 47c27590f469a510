namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>One line of a breakdown list: "10.0.0.7" with 600 entries.</summary>
/// <param name="Exact">The count is exact; otherwise it may over-state by up to <paramref name="Error"/> (a bounded count).</param>
internal readonly record struct BreakdownLine(string Key, long Count, bool Exact = true, long Error = 0)
{
    /// <summary>"10.0.0.1 600, 10.0.0.2 ~300" (a count that may over-state marked ~), or "none": for a person and the journal alike.</summary>
    public static string Join(IReadOnlyList<BreakdownLine> lines) => lines.Count == 0
        ? "none"
        : string.Join(", ", lines.Select(l => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{l.Key} {(l.Exact ? "" : "~")}{l.Count}")));
}
