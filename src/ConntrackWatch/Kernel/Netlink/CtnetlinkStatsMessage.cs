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

    private const ushort GetStatsCpu = 4;           // IPCTNL_MSG_CT_GET_STATS_CPU
    private const int NfgenLength = NetlinkMessages.NfgenLength;

    // enum ctattr_stats_cpu
    private const ushort StatsInsertFailed = 9;
    private const ushort StatsDrop = 10;
    private const ushort StatsEarlyDrop = 11;
    private const ushort StatsClashResolve = 14;
    private const ushort StatsChainTooLong = 15;

    public const int RequestLength = NetlinkMessages.HeaderLength + NfgenLength;

    public static ushort MessageType => NetlinkRequest.Ctnetlink(GetStatsCpu);

    /// <summary>Writes the dump request into <paramref name="buffer"/> (at least <see cref="RequestLength"/> bytes).</summary>
    public static void WriteRequest(Span<byte> buffer, uint sequence) =>
        NetlinkRequest.Write(buffer, MessageType, NetlinkRequest.Dump, sequence, NfgenLength); // nfgenmsg: AF_UNSPEC, NFNETLINK_V0, res_id 0

    /// <summary>
    /// Adds the counters of every CPU message in one datagram to <paramref name="sum"/>. Returns Done at NLMSG_DONE,
    /// Error (with the kernel's errno) at NLMSG_ERROR, More when the dump continues in the next datagram, Malformed
    /// (with the <paramref name="problem"/>) for a message or attribute that is not what the kernel sends, or a
    /// reply that is not to <paramref name="expected"/>.
    /// </summary>
    public static DumpOutcome Parse(ReadOnlySpan<byte> datagram, ref Accumulator sum, out int errno, out string? problem, NetlinkReply? expected = null) =>
        NetlinkMessages.ForEachBody(datagram, expected, MessageType, AddAttributes, ref sum, out errno, out problem);

    private static void AddAttributes(ReadOnlySpan<byte> attributes, ref Accumulator sum)
    {
        sum.Cpus++;
        foreach ((ushort type, ReadOnlySpan<byte> value) in new NetlinkAttributes(attributes))
        {
            if (type is not (StatsDrop or StatsEarlyDrop or StatsInsertFailed or StatsChainTooLong or StatsClashResolve))
            {
                continue;
            }

            long count = BinaryPrimitives.ReadUInt32BigEndian(NetlinkAttributes.Sized(value, type, 4));
            switch (type)
            {
                case StatsDrop: sum.Drop += count; break;
                case StatsEarlyDrop: sum.EarlyDrop += count; break;
                case StatsInsertFailed: sum.InsertFailed += count; break;
                case StatsChainTooLong: sum.ChainTooLong = (sum.ChainTooLong ?? 0) + count; break;
                case StatsClashResolve: sum.ClashResolve = (sum.ClashResolve ?? 0) + count; break;
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
        public long? ClashResolve;
        public int Cpus;

        public readonly ConntrackCounters ToCounters() => new(Drop, EarlyDrop, InsertFailed, ChainTooLong, ClashResolve);
    }
}
