using System.Globalization;
using System.Text;
using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Service;
using ConntrackWatch.Text;

namespace ConntrackWatch.Metrics;

/// <summary>
/// A poll's figures in Prometheus's text exposition format (HELP and TYPE before each metric), as node_exporter's
/// textfile collector reads them. Rendered into a caller's buffer: a steady-state poll allocates nothing.
/// </summary>
internal static class PrometheusText
{
    /// <summary>Enough for every metric of the table and the per-namespace series at their limit, with room to spare.</summary>
    public const int BufferSize = 8 * 1024 + (MetricsOptions.MaxNamespaceSeries * NamespaceSeriesBytes);

    // Two series of one namespace: the metric names, a name label (each byte escaped to at most two), the
    // disambiguating suffix, the inode label and two values.
    private const int NamespaceSeriesBytes = 2 * (64 + (NamespaceLabels.MaxNameBytes * 2) + 32 + 64);

    private static ReadOnlySpan<byte> EntriesHeader =>
        "# HELP conntrackwatch_namespace_entries Connection-tracking entries of one network namespace (the fullest, up to Metrics:NamespaceSeries).\n# TYPE conntrackwatch_namespace_entries gauge\n"u8;

    private static ReadOnlySpan<byte> DropsHeader =>
        "# HELP conntrackwatch_namespace_table_full_drops_total Packets dropped and entries evicted in one network namespace because its table was full.\n# TYPE conntrackwatch_namespace_table_full_drops_total counter\n"u8;

    /// <summary>Writes the text into <paramref name="destination"/>; returns its length.</summary>
    /// <param name="namespaceSeries">How many namespaces, fullest first, get their own labelled series.</param>
    public static int Render(in PollReport report, Span<byte> destination, int namespaceSeries = MetricsOptions.DefaultNamespaceSeries)
    {
        int length = 0;
        foreach (MetricDefinition metric in ConntrackMetrics.All)
        {
            metric.PrometheusHeader.CopyTo(destination[length..]);
            length += metric.PrometheusHeader.Length;
            length += Format(metric.Value(report), destination[length..]);
            destination[length++] = (byte)'\n';
        }

        if (report.Reading.Namespaces is not null && namespaceSeries > 0)
        {
            length += RenderNamespaces(report, destination[length..], namespaceSeries, drops: false);
            length += RenderNamespaces(report, destination[length..], namespaceSeries, drops: true);
        }

        return length;
    }

    /// <summary>The text as a string, for tests and diagnostics.</summary>
    public static string Render(in PollReport report, int namespaceSeries = MetricsOptions.DefaultNamespaceSeries)
    {
        byte[] buffer = new byte[BufferSize];
        return Encoding.UTF8.GetString(buffer, 0, Render(report, buffer, namespaceSeries));
    }

    // The fullest namespaces, the host's always among them: series come and go with the namespaces, and their
    // number stays bounded on a host with thousands of pods.
    private static int RenderNamespaces(in PollReport report, Span<byte> destination, int limit, bool drops)
    {
        ReadOnlySpan<byte> header = drops ? DropsHeader : EntriesHeader;
        ReadOnlySpan<byte> name = drops ? "conntrackwatch_namespace_table_full_drops_total"u8 : "conntrackwatch_namespace_entries"u8;
        header.CopyTo(destination);
        int length = header.Length;
        Verdict verdict = report.Verdict;
        long? hostDrops = report.Counters?.TableFull;
        long? hostInode = report.Reading.Namespaces?.HostInode;
        length += Series(destination[length..], name, NamespaceNames.Host, null, hostInode, drops ? hostDrops : verdict.Host.Count);
        int count = Math.Min(verdict.Others.Count, limit - 1);
        for (int i = 0; i < count; i++)
        {
            NamespaceReading other = verdict.Others[i].Namespace;
            ulong? suffix = NamespaceLabels.Collides(verdict.Others, count, i, hostInode, byInode: true) ? other.Key.Inode : null;
            length += Series(destination[length..], name, other.Name, suffix, other.Inode, drops ? other.Counters.TableFull : other.Count);
        }

        return length;
    }

    // name{namespace="web",inode="4026532177"} 700, or namespace="web #4026532301" where two would share the set.
    private static int Series(Span<byte> destination, ReadOnlySpan<byte> name, string label, ulong? suffix, long? inode, double? value)
    {
        name.CopyTo(destination);
        int length = name.Length;
        length += Copy("{namespace=\""u8, destination[length..]);
        // Escaped where it was made already; bounded in bytes here, between characters, whatever it holds.
        foreach (Rune rune in ExternalText.Escape(label, NamespaceLabels.MaxNameBytes).EnumerateRunes())
        {
            // The exposition format escapes backslash, double quote and line feed in label values.
            ReadOnlySpan<byte> piece = rune.Value switch
            {
                '\\' => "\\\\"u8,
                '"' => "\\\""u8,
                '\n' => "\\n"u8,
                _ => default,
            };
            length += piece.IsEmpty ? rune.EncodeToUtf8(destination[length..]) : Copy(piece, destination[length..]);
        }

        if (suffix is { } key)
        {
            length += Copy(" #"u8, destination[length..]);
            key.TryFormat(destination[length..], out int digits, default, CultureInfo.InvariantCulture);
            length += digits;
        }

        length += Copy("\",inode=\""u8, destination[length..]);
        if (inode is { } known)
        {
            known.TryFormat(destination[length..], out int written, default, CultureInfo.InvariantCulture);
            length += written;
        }

        length += Copy("\"} "u8, destination[length..]);
        length += Format(value, destination[length..]);
        destination[length++] = (byte)'\n';
        return length;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    private static int Format(double? value, Span<byte> destination)
    {
        ReadOnlySpan<byte> literal = value switch
        {
            null => "NaN"u8,
            double.PositiveInfinity => "+Inf"u8,
            _ => default,
        };
        if (!literal.IsEmpty)
        {
            literal.CopyTo(destination);
            return literal.Length;
        }

        return value!.Value.TryFormat(destination, out int written, "R", CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException("The metrics buffer is too small.");
    }
}
