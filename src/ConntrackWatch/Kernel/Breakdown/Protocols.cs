namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>Names of IP protocols and of conntrack's TCP states, as conntrack -L prints them.</summary>
internal static class Protocols
{
    public const byte Tcp = 6;
    public const byte Udp = 17;

    /// <summary>"tcp", "udp", "icmp", ... or the number.</summary>
    public static string Name(byte protocol) => protocol switch
    {
        1 => "icmp",
        2 => "igmp",
        Tcp => "tcp",
        Udp => "udp",
        33 => "dccp",
        47 => "gre",
        50 => "esp",
        58 => "icmpv6",
        132 => "sctp",
        136 => "udplite",
        _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>enum tcp_conntrack (include/uapi/linux/netfilter/nf_conntrack_tcp.h), as conntrack -L prints it.</summary>
    public static string TcpStateName(byte state) => state switch
    {
        0 => "NONE",
        1 => "SYN_SENT",
        2 => "SYN_RECV",
        3 => "ESTABLISHED",
        4 => "FIN_WAIT",
        5 => "CLOSE_WAIT",
        6 => "LAST_ACK",
        7 => "TIME_WAIT",
        8 => "CLOSE",
        9 => "SYN_SENT2",
        _ => state.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public const byte TcpEstablished = 3;
}
