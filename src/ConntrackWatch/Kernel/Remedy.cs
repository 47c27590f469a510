namespace ConntrackWatch.Kernel;

/// <summary>What an admin can do about a failed read or write, in one sentence.</summary>
internal static class Remedy
{
    public static string ForRead(KernelFault fault) => fault.Status switch
    {
        ReadStatus.Denied =>
            "Run ConntrackWatch as root, or set Conntrack:CountSource=CountFile: /proc/net/nf_conntrack is readable " +
            "by root only (the shipped unit runs unprivileged, with CAP_NET_ADMIN, and reads nf_conntrack_count).",
        ReadStatus.Malformed =>
            "The kernel writes a single integer there; check that Conntrack:ProcRoot points at a real proc mount.",
        ReadStatus.Missing =>
            "The file vanished (module unloaded?); looking for the conntrack files again at the next poll.",
        _ => "Check the kernel log (journalctl -k) for errors around the same time.",
    };

    public static string ForWrite(KernelFault fault) => fault.Status switch
    {
        ReadStatus.ReadOnly =>
            "Only the host's initial network namespace can change nf_conntrack_max, and /proc/sys must be mounted " +
            "writable: run ConntrackWatch on the host, not in a container or network namespace, or set " +
            "Conntrack:DryRun=true to monitor only.",
        ReadStatus.Denied =>
            "Writing nf_conntrack_max needs CAP_NET_ADMIN: run ConntrackWatch as root or with " +
            "AmbientCapabilities=CAP_NET_ADMIN (the shipped unit does), or set Conntrack:DryRun=true to monitor only.",
        ReadStatus.Missing => "The sysctl vanished (module unloaded?); looking for it again at the next poll.",
        _ => "The kernel refused the value; check the kernel log (journalctl -k).",
    };
}
