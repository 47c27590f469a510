using ConntrackWatch.Service;

namespace ConntrackWatch.Metrics;

/// <summary>A figure of a poll report, as the Prometheus text and the meter both publish it.</summary>
/// <param name="PrometheusName">The series in the node_exporter textfile.</param>
/// <param name="InstrumentName">The System.Diagnostics.Metrics instrument; null: the textfile only.</param>
/// <param name="IsCounter">Only grows (a counter), or goes up and down (a gauge).</param>
/// <param name="IsInteger">Published as a long instrument; otherwise a double.</param>
/// <param name="Value">The figure; null when unknown (NaN in the textfile, no measurement on the meter).</param>
internal sealed record MetricDefinition(
    string PrometheusName,
    string? InstrumentName,
    string Unit,
    bool IsCounter,
    bool IsInteger,
    string Help,
    MetricDefinition.Read Value)
{
    public delegate double? Read(in PollReport report);

    /// <summary>"# HELP name help\n# TYPE name kind\nname ", in UTF-8: what precedes the value in the textfile.</summary>
    public byte[] PrometheusHeader { get; } = System.Text.Encoding.UTF8.GetBytes(
        $"# HELP {PrometheusName} {Help}\n# TYPE {PrometheusName} {(IsCounter ? "counter" : "gauge")}\n{PrometheusName} ");
}
