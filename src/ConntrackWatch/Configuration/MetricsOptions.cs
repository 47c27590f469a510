using System.ComponentModel.DataAnnotations;

namespace ConntrackWatch.Configuration;

/// <summary>The <c>Metrics</c> section.</summary>
public sealed record MetricsOptions : IValidatableObject
{
    public const string SectionName = "Metrics";
    public const string FileName = "conntrackwatch.prom";

    /// <summary>The System.Diagnostics.Metrics meter the same figures are published on.</summary>
    public const string MeterName = "ConntrackWatch";

    /// <summary>
    /// node_exporter's textfile collector directory (or a full path ending in .prom): conntrackwatch.prom is
    /// rewritten there after every poll. Left out: no file.
    /// </summary>
    public string? TextfilePath { get; set; }

    public const int DefaultNamespaceSeries = 20;
    public const int MaxNamespaceSeries = 200;

    /// <summary>
    /// How many network namespaces, fullest first (the host's always among them), get their own labelled series in
    /// the textfile: bounded, so that a host with thousands of pods does not explode the series count. 0: none.
    /// </summary>
    public int NamespaceSeries { get; set; } = DefaultNamespaceSeries;

    /// <summary>The file to write, or null when the textfile is off.</summary>
    public string? ResolveTextfile() => string.IsNullOrWhiteSpace(TextfilePath)
        ? null
        : TextfilePath.EndsWith(".prom", StringComparison.Ordinal) ? TextfilePath : Path.Combine(TextfilePath, FileName);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(TextfilePath) && !Path.IsPathFullyQualified(TextfilePath))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(TextfilePath)} must be an absolute path such as /var/lib/prometheus/node-exporter (found '{TextfilePath}').");
        }

        if (NamespaceSeries is < 0 or > MaxNamespaceSeries)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(NamespaceSeries)} must be between 0 and {MaxNamespaceSeries} (found {NamespaceSeries}).");
        }
    }
}
