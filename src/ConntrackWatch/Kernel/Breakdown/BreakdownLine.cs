namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>One line of a breakdown list: "10.0.0.7" with 600 entries, and who owns that address where known.</summary>
/// <param name="Exact">The count is exact; otherwise it may over-state by up to <paramref name="Error"/> (a bounded count).</param>
/// <param name="Owner">The namespace whose address it is; null where none is known (or owners were not read).</param>
internal readonly record struct BreakdownLine(string Key, long Count, bool Exact = true, long Error = 0, AddressOwner? Owner = null)
{
    /// <summary>
    /// "10.0.0.1 (container web) 600, 10.0.0.2 ~300" (a count that may over-state marked ~), or "none": for a person
    /// and the journal alike.
    /// </summary>
    public static string Join(IReadOnlyList<BreakdownLine> lines) => lines.Count == 0
        ? "none"
        : string.Join(", ", lines.Select(l => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{l.Key}{(l.Owner is { } owner ? $" ({owner.Name})" : "")} {(l.Exact ? "" : "~")}{l.Count}")));

    /// <summary>"container web 60000, host 300, unknown 100", or "none".</summary>
    public static string Join(IReadOnlyList<OwnerLine> owners) => owners.Count == 0
        ? "none"
        : string.Join(", ", owners.Select(o => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{o.Owner.Name} {o.Count}")));
}
