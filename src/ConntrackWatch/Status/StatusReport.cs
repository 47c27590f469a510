namespace ConntrackWatch.Status;

/// <summary>One reading for <c>conntrackwatch status</c>; serialized as is for <c>--json</c>.</summary>
internal sealed record StatusReport
{
    /// <summary>ok, warning, critical or unknown, as the exit code says.</summary>
    public required string State { get; init; }

    public required int ExitCode { get; init; }

    public string? Problem { get; init; }

    public string? Layout { get; init; }

    public string? MaxPath { get; init; }

    public required string CountSource { get; init; }

    public string? CountPath { get; init; }

    public long? Count { get; init; }

    public long? Max { get; init; }

    public double? Percent { get; init; }

    public required int HighWaterPercent { get; init; }

    public long? HighWaterMark { get; init; }

    /// <summary>What the daemon would do now, decided by its own policy.</summary>
    public StatusDecision? Decision { get; init; }

    public long? MemoryCeiling { get; init; }

    public int MemoryCeilingPercent { get; init; }

    public long? MemTotalBytes { get; init; }

    public int? BytesPerEntry { get; init; }

    public string? BytesPerEntrySource { get; init; }

    public string? CeilingProblem { get; init; }

    public long? Buckets { get; init; }

    public string? CountersSource { get; init; }

    public long? Drop { get; init; }

    public long? EarlyDrop { get; init; }

    public long? InsertFailed { get; init; }

    public long? ChainTooLong { get; init; }

    public string? CountersProblem { get; init; }

    /// <summary>The max ConntrackWatch last raised to and keeps (its state file); null where there is none.</summary>
    public long? LearnedMax { get; init; }

    /// <summary>Whether the max is below the learned one: another writer set it (or a reboot reset it and the daemon is not running).</summary>
    public bool? MaxLowered { get; init; }

    /// <summary>Who else sets the max, as far as the host's files show: sysctl.d lines, a running kube-proxy.</summary>
    public IReadOnlyList<string>? MaxWriters { get; init; }

    /// <summary>Every network namespace watched, the host's included, fullest first; null with Conntrack:Namespaces=Host.</summary>
    public IReadOnlyList<StatusNamespace>? Namespaces { get; init; }

    /// <summary>Entries across every namespace read: what the memory ceiling bounds.</summary>
    public long? TotalEntries { get; init; }

    /// <summary>Namespaces found but not readable, each with the reason.</summary>
    public IReadOnlyList<string>? UnseenNamespaces { get; init; }

    /// <summary>What keeps the namespace list from being complete; null when nothing does.</summary>
    public string? NamespacesProblem { get; init; }

    /// <summary>Only with --top: each namespace's table broken down by who fills it.</summary>
    public IReadOnlyList<StatusBreakdown>? Breakdowns { get; init; }

    /// <summary>Only with --top: which namespaces' tables were not read, and why (empty, or past the time limit); null when none.</summary>
    public string? BreakdownsLeftOut { get; init; }

    /// <summary>Only with --trend: entries per second over a few seconds of sampling.</summary>
    public double? GrowthPerSecond { get; init; }

    public double? SecondsToHighWaterMark { get; init; }

    public double? SecondsToFull { get; init; }
}
