using System.Buffers.Binary;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// The ctnetlink request `conntrack -S` makes, IPCTNL_MSG_CT_GET_STATS_CPU, and the parsing of its answer: one
/// message per CPU, each an nfgenmsg (res_id = the CPU) followed by CTA_STATS_* attributes holding big-endian
/// 32-bit counters. Pure functions over spans.
/// </summary>
internal static class CtnetlinkStatsMessage
{
    public const int NetlinkNetfilter = 12;        // NETLINK_NETFILTER

    private const ushort SubsystemCtnetlink = 1;    // NFNL_SUBSYS_CTNETLINK
    private const ushort GetStatsCpu = 4;           // IPCTNL_MSG_CT_GET_STATS_CPU
    private const ushort RequestDump = 0x1 | 0x300; // NLM_F_REQUEST | NLM_F_DUMP
    private const int HeaderLength = NetlinkMessages.HeaderLength;
    private const int NfgenLength = NetlinkMessages.NfgenLength;

    // enum ctattr_stats_cpu
    private const ushort StatsInsertFailed = 9;
    private const ushort StatsDrop = 10;
    private const ushort StatsEarlyDrop = 11;
    private const ushort StatsChainTooLong = 15;

    public const int RequestLength = HeaderLength + NfgenLength;

    public static ushort MessageType => (SubsystemCtnetlink << 8) | GetStatsCpu;

    /// <summary>Writes the dump request into <paramref name="buffer"/> (at least <see cref="RequestLength"/> bytes).</summary>
    public static void WriteRequest(Span<byte> buffer, uint sequence)
    {
        buffer = buffer[..RequestLength];
        buffer.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, RequestLength);          // nlmsg_len (host order)
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[4..], MessageType);       // nlmsg_type
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[6..], RequestDump);       // nlmsg_flags
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], sequence);          // nlmsg_seq; nlmsg_pid 0
        // nfgenmsg: family AF_UNSPEC, version NFNETLINK_V0, res_id 0.
    }

    /// <summary>
    /// Adds the counters of every CPU message in one datagram to <paramref name="sum"/>. Returns Done at NLMSG_DONE,
    /// Error (with the kernel's errno) at NLMSG_ERROR, More when the dump continues in the next datagram.
    /// </summary>
    public static DumpOutcome Parse(ReadOnlySpan<byte> datagram, ref Accumulator sum, out int errno)
    {
        var messages = new NetlinkMessages(datagram);
        while (messages.MoveNext())
        {
            if (messages.Type == MessageType && messages.Payload.Length >= NfgenLength)
            {
                AddAttributes(messages.Payload[NfgenLength..], ref sum);
            }
        }

        errno = messages.Errno;
        return messages.End;
    }

    private static void AddAttributes(ReadOnlySpan<byte> attributes, ref Accumulator sum)
    {
        sum.Cpus++;
        foreach ((ushort type, ReadOnlySpan<byte> value) in new NetlinkAttributes(attributes))
        {
            if (value.Length < 4)
            {
                continue;
            }

            long count = BinaryPrimitives.ReadUInt32BigEndian(value);
            switch (type)
            {
                case StatsDrop: sum.Drop += count; break;
                case StatsEarlyDrop: sum.EarlyDrop += count; break;
                case StatsInsertFailed: sum.InsertFailed += count; break;
                case StatsChainTooLong: sum.ChainTooLong = (sum.ChainTooLong ?? 0) + count; break;
            }
        }
    }

    /// <summary>Running sums over the CPUs of one dump.</summary>
    internal struct Accumulator
    {
        public long Drop;
        public long EarlyDrop;
        public long InsertFailed;
        public long? ChainTooLong;
        public int Cpus;

        public readonly ConntrackCounters ToCounters() => new(Drop, EarlyDrop, InsertFailed, ChainTooLong);
    }
}
