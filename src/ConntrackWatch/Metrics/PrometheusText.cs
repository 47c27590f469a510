using System.Globalization;
using System.Text;
using ConntrackWatch.Service;

namespace ConntrackWatch.Metrics;

/// <summary>
/// A poll's figures in Prometheus's text exposition format (HELP and TYPE before each metric), as node_exporter's
/// textfile collector reads them.
/// </summary>
internal static class PrometheusText
{
    public static string Render(in PollReport report)
    {
        var text = new StringBuilder(2048);
        foreach (MetricDefinition metric in ConntrackMetrics.All)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"# HELP {metric.PrometheusName} {metric.Help}\n# TYPE {metric.PrometheusName} {(metric.IsCounter ? "counter" : "gauge")}\n{metric.PrometheusName} {Format(metric.Value(report))}\n");
        }

        return text.ToString();
    }

    private static string Format(double? value) => value switch
    {
        null => "NaN",
        double.PositiveInfinity => "+Inf",
        double v => v.ToString("R", CultureInfo.InvariantCulture),
    };
}
