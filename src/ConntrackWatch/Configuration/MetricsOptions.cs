using System.ComponentModel.DataAnnotations;
using System.Net;

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

    /// <summary>
    /// ADDRESS:PORT to serve GET /metrics and GET /healthz on over HTTP ("127.0.0.1:9101", "0.0.0.0:9101",
    /// "[::]:9101"). Left out: no listener.
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>Where to listen, or null when the listener is off (Metrics:Listen left out or empty).</summary>
    public string? ListenOn => string.IsNullOrWhiteSpace(Listen) ? null : Listen;

    /// <summary>HttpListener's prefix for <paramref name="listen"/>: every address ("+") for 0.0.0.0 and [::].</summary>
    public static string PrefixOf(string listen)
    {
        IPEndPoint endPoint = IPEndPoint.Parse(listen);
        string host = endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any) ? "+"
            : endPoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://{host}:{endPoint.Port}/");
    }

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

        if (ListenOn is not null && (!IPEndPoint.TryParse(ListenOn, out IPEndPoint? endPoint) || endPoint.Port == 0 || !ListenOn.Contains(':', StringComparison.Ordinal)))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Listen)} must be an address and a port such as 127.0.0.1:9101, 0.0.0.0:9101 or [::]:9101 (found '{Listen}').");
        }

        if (NamespaceSeries is < 0 or > MaxNamespaceSeries)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(NamespaceSeries)} must be between 0 and {MaxNamespaceSeries} (found {NamespaceSeries}).");
        }
    }
}
