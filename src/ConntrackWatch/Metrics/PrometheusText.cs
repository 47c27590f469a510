using System.Globalization;
using System.Text;
using ConntrackWatch.Service;

namespace ConntrackWatch.Metrics;

/// <summary>
/// A poll's figures in Prometheus's text exposition format (HELP and TYPE before each metric), as node_exporter's
/// textfile collector reads them. Rendered into a caller's buffer: a steady-state poll allocates nothing.
/// </summary>
internal static class PrometheusText
{
    /// <summary>Enough for every metric of the table, with room to spare.</summary>
    public const int BufferSize = 8 * 1024;

    /// <summary>Writes the text into <paramref name="destination"/>; returns its length.</summary>
    public static int Render(in PollReport report, Span<byte> destination)
    {
        int length = 0;
        foreach (MetricDefinition metric in ConntrackMetrics.All)
        {
            metric.PrometheusHeader.CopyTo(destination[length..]);
            length += metric.PrometheusHeader.Length;
            length += Format(metric.Value(report), destination[length..]);
            destination[length++] = (byte)'\n';
        }

        return length;
    }

    /// <summary>The text as a string, for tests and diagnostics.</summary>
    public static string Render(in PollReport report)
    {
        byte[] buffer = new byte[BufferSize];
        return Encoding.UTF8.GetString(buffer, 0, Render(report, buffer));
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
