using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConntrackWatch.Text;

namespace ConntrackWatch.Status;

/// <summary>Renders a <see cref="StatusReport"/> for a person, or as JSON for a program.</summary>
internal static class StatusFormatter
{
    // Paths and sources hold '+' and quotes: no HTML escaping in a terminal or a monitoring pipe.
    private static readonly StatusJsonContext JsonContext = new(
        new JsonSerializerOptions(StatusJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static string Json(StatusReport report) => JsonSerializer.Serialize(report, JsonContext.StatusReport);

    /// <summary>
    /// The report for a terminal. Every line is escaped whole (<see cref="ExternalText.Escape"/>): names are
    /// escaped where they enter already, and no value of any kind, a path or a kernel message included, can
    /// put a control character on root's terminal.
    /// </summary>
    public static string Text(StatusReport report)
    {
        string[] lines = Unescaped(report).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = ExternalText.Escape(lines[i]);
        }

        return string.Join('\n', lines);
    }

    private static string Unescaped(StatusReport report)
    {
        var text = new StringBuilder();
        Line(text, "state", report.State.ToUpperInvariant());
        if (report.Problem is not null)
        {
            Line(text, "problem", report.Problem);
        }

        if (report.Count is { } count && report.Max is { } max)
        {
            Line(text, "count", $"{count} of max {max} ({report.Percent:0.0}%)");
            Line(text, "high-water mark", $"{report.HighWaterMark} ({report.HighWaterPercent}% of max)");
            if (report.MaxLowered is true)
            {
                Line(text, "max lowered", $"{max}, below the {report.LearnedMax} ConntrackWatch raised it to: another writer set it, or the daemon has not restored it yet");
            }
        }

        foreach (string writer in report.MaxWriters ?? [])
        {
            Line(text, "max also set by", writer);
        }

        if (report.Decision is { } decision)
        {
            Line(text, "decision", decision.Describe());
        }

        if (report.Namespaces is { } namespaces)
        {
            Namespaces(text, report, namespaces);
        }

        if (report.MemoryCeiling is { } ceiling)
        {
            Line(text, "memory ceiling",
                $"{ceiling} entries ({report.MemoryCeilingPercent}% of {report.MemTotalBytes / (1024 * 1024)} MiB at {report.BytesPerEntry} bytes per entry)");
            Line(text, "bytes per entry", report.BytesPerEntrySource ?? "");
        }

        if (report.CeilingProblem is not null)
        {
            Line(text, "ceiling problem", report.CeilingProblem);
        }

        if (report.Buckets is { } buckets)
        {
            Line(text, "hash buckets", $"{buckets}{(report.Max is { } m && buckets > 0 ? $" ({(double)m / buckets:0.#} max entries per bucket)" : "")}");
        }

        if (report.Drop is not null)
        {
            Line(text, "kernel counters",
                $"drop {report.Drop}, early_drop {report.EarlyDrop}, insert_failed {report.InsertFailed}, chaintoolong {(report.ChainTooLong is { } c ? c.ToString(CultureInfo.InvariantCulture) : "n/a")} (from {report.CountersSource})");
        }
        else if (report.CountersProblem is not null)
        {
            Line(text, "kernel counters", $"unavailable: {report.CountersProblem}");
        }

        if (report.GrowthPerSecond is { } growth)
        {
            Line(text, "trend", report.SecondsToFull is { } full
                ? $"growing {growth:0.##}/s: high-water mark in {report.SecondsToHighWaterMark:0} s, full in {full:0} s"
                : $"not growing ({growth:0.##}/s)");
        }

        Line(text, "count source", $"{report.CountSource} ({report.CountPath ?? "none"})");
        Line(text, "layout", report.Layout is null ? "not found" : $"{report.Layout} ({report.MaxPath})");
        foreach (StatusBreakdown breakdown in report.Breakdowns ?? [])
        {
            Breakdown(text, breakdown);
        }

        if (report.BreakdownsLeftOut is not null)
        {
            text.Append('\n');
            Line(text, "not broken down", report.BreakdownsLeftOut);
        }

        return text.ToString();
    }

    // One line per namespace, fullest first; a namespace with a raise due or refused has its decision under it.
    private static void Namespaces(StringBuilder text, StatusReport report, IReadOnlyList<StatusNamespace> namespaces)
    {
        int notVisible = report.UnseenNamespaces?.Count ?? 0;
        Line(text, "namespaces", notVisible > 0
            ? $"{namespaces.Count} watched, {notVisible} not visible, {report.TotalEntries} entries in all"
            : $"{namespaces.Count} watched, {report.TotalEntries} entries in all");
        foreach (StatusNamespace each in namespaces)
        {
            string who = Kernel.Namespaces.NamespaceReading.SubjectOf(each.Name, each.Inode);
            if (each.Count is not { } count)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {who}: UNKNOWN: {each.Problem}\n");
                continue;
            }

            string drops = each.Drops is { } d ? $", drops {d}" : string.Empty;
            string owner = each.Owner == "user" ? each.Counted ? ", owned by a user" : ", owned by a user: not counted" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"  {who}: {count} of max {each.Max} ({each.Percent:0.0}%){drops}, {each.State.ToUpperInvariant()}{owner}\n");
            if (each.Decision is { Action: not "none" } decision)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {decision.Describe()}\n");
            }
        }

        foreach (string unseen in report.UnseenNamespaces ?? [])
        {
            text.Append(CultureInfo.InvariantCulture, $"  not visible: {unseen}\n");
        }

        if (report.NamespacesProblem is not null)
        {
            Line(text, "namespaces problem", report.NamespacesProblem);
        }
    }

    // "breakdown of web (ns 4026532177): 100000 entries, read in 0.21 s over ctnetlink", then a line per list.
    private static void Breakdown(StringBuilder text, StatusBreakdown breakdown)
    {
        string who = Kernel.Namespaces.NamespaceReading.SubjectOf(breakdown.Namespace, breakdown.Inode);
        if (breakdown.Table is not { } table)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nbreakdown of {who}: UNKNOWN: {breakdown.Problem}\n");
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"\nbreakdown of {who}: {table.Entries} entries, read in {table.Seconds:0.###} s from {table.Source}\n");
        double unreplied = table.Entries > 0 ? 100.0 * table.Unreplied / table.Entries : 0;
        Line(text, "  unreplied", $"{table.Unreplied} ({unreplied:0.#}%, never answered), assured {table.Assured} (the early drop may evict the other {table.Entries - table.Assured})");
        Line(text, "  protocols", Join(table.Protocols));
        if (table.TcpStates.Count > 0)
        {
            Line(text, "  tcp states", Join(table.TcpStates));
        }

        if (table.Owners.Count > 0)
        {
            Line(text, "  owners", Kernel.Breakdown.BreakdownLine.Join(table.Owners));
        }

        foreach (string unread in table.OwnerProblems)
        {
            Line(text, "  not attributed", unread);
        }

        Line(text, "  sources", Join(table.Sources));
        Line(text, "  destinations", Join(table.Destinations));
        if (table.UnrepliedUdpPorts.Count > 0)
        {
            Line(text, "  unreplied udp", $"by destination port: {Join(table.UnrepliedUdpPorts)}");
        }
        foreach (string advice in breakdown.Advice)
        {
            Line(text, "  advice", advice);
        }
    }

    private static string Join(IReadOnlyList<Kernel.Breakdown.BreakdownLine> lines) => Kernel.Breakdown.BreakdownLine.Join(lines);

    // "label:" in a column of 17, and at least one space after a label wider than that.
    private static void Line(StringBuilder text, string label, string value) =>
        text.Append(CultureInfo.InvariantCulture, $"{label + ": ",-17}{value}\n");
}
