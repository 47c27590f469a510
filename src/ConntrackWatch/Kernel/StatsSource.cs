namespace ConntrackWatch.Kernel;

/// <summary>Where the kernel's per-CPU conntrack counters (drop, early_drop, ...) come from.</summary>
public enum StatsSource
{
    /// <summary>ctnetlink, else /proc/net/stat/nf_conntrack; only the file when ProcRoot is not /proc.</summary>
    Auto,

    /// <summary>Only ctnetlink (IPCTNL_MSG_CT_GET_STATS_CPU, as `conntrack -S`); needs CAP_NET_ADMIN.</summary>
    Netlink,

    /// <summary>Only /proc/net/stat/nf_conntrack, which exists only with CONFIG_NF_CONNTRACK_PROCFS.</summary>
    File,
}
