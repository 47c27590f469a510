namespace ConntrackWatch.Metrics;

/// <summary>The one table of what ConntrackWatch publishes: the Prometheus text and the meter are both made from it.</summary>
internal static class ConntrackMetrics
{
    /// <summary>A span over the table: iterating it allocates nothing, unlike an interface's enumerator.</summary>
    public static ReadOnlySpan<MetricDefinition> All => Table;

    private static readonly MetricDefinition[] Table =
    [
        new("conntrackwatch_entries", "conntrack.entries", "{entry}", false, true,
            "Connection-tracking entries in the host's network namespace.", (in r) => r.Verdict.Host.Count),
        new("conntrackwatch_max_entries", "conntrack.max", "{entry}", false, true,
            "nf_conntrack_max: the table's size limit.", (in r) => r.MaxAfter),
        new("conntrackwatch_high_water_mark_entries", "conntrack.high_water_mark", "{entry}", false, true,
            "The count at which ConntrackWatch raises the maximum.", (in r) => r.Verdict.Host.HighWaterMark),
        new("conntrackwatch_memory_ceiling_entries", "conntrack.memory_ceiling", "{entry}", false, true,
            "The largest maximum the host's memory allows (NaN: unknown).", (in r) => r.MemoryCeiling),
        new("conntrackwatch_buckets", "conntrack.buckets", "{bucket}", false, true,
            "nf_conntrack_buckets: the hash table's size (NaN: unknown).", (in r) => r.Buckets),
        new("conntrackwatch_kernel_drop_total", "conntrack.kernel.drops", "{packet}", true, true,
            "Packets the kernel dropped because the table was full.", (in r) => r.Counters?.Drop),
        new("conntrackwatch_kernel_early_drop_total", "conntrack.kernel.early_drops", "{entry}", true, true,
            "Entries the kernel evicted to make room for new ones.", (in r) => r.Counters?.EarlyDrop),
        new("conntrackwatch_kernel_insert_failed_total", "conntrack.kernel.insert_failed", "{entry}", true, true,
            "Entries the kernel could not insert.", (in r) => r.Counters?.InsertFailed),
        new("conntrackwatch_kernel_chain_too_long_total", "conntrack.kernel.chain_too_long", "{entry}", true, true,
            "Inserts refused for a too-long hash chain.", (in r) => r.Counters?.ChainTooLong),
        new("conntrackwatch_kernel_clash_resolve_total", "conntrack.kernel.clash_resolve", "{entry}", true, true,
            "Insert races the kernel resolved: two packets of one new flow at once, as a resolver's A and AAAA queries (NaN: not counted by this kernel).",
            (in r) => r.Counters?.ClashResolve),
        new("conntrackwatch_raises_total", "conntrackwatch.raises", "{raise}", true, true,
            "Times ConntrackWatch raised nf_conntrack_max since it started.", (in r) => r.RaisesTotal),
        new("conntrackwatch_max_lowered_total", "conntrackwatch.max_lowered", "{event}", true, true,
            "Times another writer was found to have set nf_conntrack_max below what ConntrackWatch had set, since it started.", (in r) => r.MaxLoweredTotal),
        new("conntrackwatch_growth_entries_per_second", "conntrack.growth", "{entry}/s", false, false,
            "How fast the host's count grows over the sliding window.", (in r) => r.Verdict.Host.Trend.GrowthPerSecond),
        new("conntrackwatch_seconds_to_full", "conntrack.time_to_full", "s", false, false,
            "When the host's table would be full at the current growth (+Inf: not growing).",
            (in r) => r.Verdict.Host.Trend.IsGrowing ? r.Verdict.Host.Trend.SecondsToFull : double.PositiveInfinity),
        new("conntrackwatch_entries_all_namespaces", "conntrack.entries.all_namespaces", "{entry}", false, true,
            "Entries across every network namespace watched: the memory the memory ceiling bounds.", (in r) => r.Verdict.TotalEntries),
        new("conntrackwatch_namespaces", "conntrack.namespaces", "{namespace}", false, true,
            "Network namespaces watched, the host's included.", (in r) => r.Verdict.NamespaceCount),
        new("conntrackwatch_last_poll_timestamp_seconds", null, "s", false, false,
            "When the last poll completed, in seconds since the epoch.", (in r) => r.Time.ToUnixTimeMilliseconds() / 1000.0),
    ];
}
