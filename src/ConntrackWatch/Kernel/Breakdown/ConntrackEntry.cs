namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>What the breakdown needs of one conntrack entry, as ctnetlink or /proc/net/nf_conntrack gives it.</summary>
/// <param name="Source">The original direction's source address.</param>
/// <param name="Destination">The original direction's destination address and port (0 for a protocol without ports).</param>
/// <param name="Protocol">The IP protocol number: 6 TCP, 17 UDP, 1 ICMP...</param>
/// <param name="Assured">The kernel keeps it (IPS_ASSURED, the table file's [ASSURED]): early drop cannot evict it.</param>
/// <param name="Replied">A reply was seen (IPS_SEEN_REPLY); the table file marks the others [UNREPLIED].</param>
/// <param name="TcpState">The TCP state (enum tcp_conntrack); null for other protocols.</param>
/// <param name="TimeoutSeconds">Seconds until the entry expires unless traffic refreshes it.</param>
/// <param name="ReplySource">The reply direction's source: after a DNAT, the address that really answers (the pod behind a service).</param>
internal readonly record struct ConntrackEntry(
    ConntrackAddress Source,
    ConntrackEndpoint Destination,
    byte Protocol,
    bool Assured,
    bool Replied,
    byte? TcpState,
    uint TimeoutSeconds,
    ConntrackAddress ReplySource = default);
