using System.Globalization;
using System.Text;
using ConntrackWatch.Service;

namespace ConntrackWatch.Metrics;

/// <summary>
/// The last poll's figures in Prometheus's text exposition format (HELP and TYPE before each metric), as
/// node_exporter's textfile collector reads them.
/// </summary>
internal static class PrometheusText
{
    public static string Render(PollSnapshot snapshot)
    {
        var text = new StringBuilder(2048);
        Gauge(text, "conntrackwatch_entries", "Connection-tracking entries in the table.", snapshot.Count);
        Gauge(text, "conntrackwatch_max_entries", "nf_conntrack_max: the table's size limit.", snapshot.Max);
        Gauge(text, "conntrackwatch_high_water_mark_entries", "The count at which ConntrackWatch raises the maximum.", snapshot.HighWaterMark);
        Gauge(text, "conntrackwatch_memory_ceiling_entries", "The largest maximum the host's memory allows (NaN: unknown).", snapshot.MemoryCeiling);
        Gauge(text, "conntrackwatch_buckets", "nf_conntrack_buckets: the hash table's size (NaN: unknown).", snapshot.Buckets);
        Counter(text, "conntrackwatch_kernel_drop_total", "Packets the kernel dropped because the table was full.", snapshot.Counters?.Drop);
        Counter(text, "conntrackwatch_kernel_early_drop_total", "Entries the kernel evicted to make room for new ones.", snapshot.Counters?.EarlyDrop);
        Counter(text, "conntrackwatch_kernel_insert_failed_total", "Entries the kernel could not insert.", snapshot.Counters?.InsertFailed);
        Counter(text, "conntrackwatch_kernel_chain_too_long_total", "Inserts refused for a too-long hash chain.", snapshot.Counters?.ChainTooLong);
        Counter(text, "conntrackwatch_raises_total", "Times ConntrackWatch raised nf_conntrack_max since it started.", snapshot.RaisesTotal);
        Gauge(text, "conntrackwatch_growth_entries_per_second", "How fast the count grows over the sliding window.", snapshot.Trend.GrowthPerSecond);
        Gauge(text, "conntrackwatch_seconds_to_full", "When the table would be full at the current growth (+Inf: not growing).",
            snapshot.Trend.IsGrowing ? snapshot.Trend.SecondsToFull : double.PositiveInfinity);
        Gauge(text, "conntrackwatch_last_poll_timestamp_seconds", "When the last poll completed, in seconds since the epoch.",
            snapshot.Time.ToUnixTimeMilliseconds() / 1000.0);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, double? value) => Metric(text, name, help, "gauge", value);

    private static void Counter(StringBuilder text, string name, string help, double? value) => Metric(text, name, help, "counter", value);

    private static void Metric(StringBuilder text, string name, string help, string type, double? value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {Format(value)}\n");

    private static string Format(double? value) => value switch
    {
        null => "NaN",
        double.PositiveInfinity => "+Inf",
        double v => v.ToString("R", CultureInfo.InvariantCulture),
    };
}
