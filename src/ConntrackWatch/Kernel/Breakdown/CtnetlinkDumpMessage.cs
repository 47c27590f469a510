using System.Buffers.Binary;
using ConntrackWatch.Kernel.Netlink;

namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>
/// The ctnetlink table dump `conntrack -L` makes, IPCTNL_MSG_CT_GET with NLM_F_DUMP, and the parsing of its answer:
/// one IPCTNL_MSG_CT_NEW message per entry, an nfgenmsg then nested attributes (include/uapi/linux/netfilter/
/// nfnetlink_conntrack.h), numbers in network byte order. Family AF_UNSPEC asks for IPv4 and IPv6 alike. Each entry
/// goes to the builder as it is parsed; nothing is kept. Pure functions over spans.
/// </summary>
internal static class CtnetlinkDumpMessage
{
    private const ushort Get = 1;                   // IPCTNL_MSG_CT_GET
    private const ushort New = 0;                   // IPCTNL_MSG_CT_NEW: each entry of the dump
    private const int NfgenLength = NetlinkMessages.NfgenLength;

    // enum ctattr_type, ctattr_tuple, ctattr_ip, ctattr_l4proto, ctattr_protoinfo, ctattr_protoinfo_tcp
    private const ushort TupleOrig = 1, TupleReply = 2, Status = 3, ProtoInfo = 4, Timeout = 7;
    private const ushort TupleIp = 1, TupleProto = 2;
    private const ushort IpV4Src = 1, IpV4Dst = 2, IpV6Src = 3, IpV6Dst = 4;
    private const ushort ProtoNum = 1, ProtoDstPort = 3;
    private const ushort ProtoInfoTcp = 1, ProtoInfoTcpState = 1;
    private const uint StatusSeenReply = 1 << 1;    // IPS_SEEN_REPLY
    private const uint StatusAssured = 1 << 2;      // IPS_ASSURED

    public const int RequestLength = NetlinkMessages.HeaderLength + NfgenLength;

    public static ushort EntryMessageType => NetlinkRequest.Ctnetlink(New);

    /// <summary>Writes the dump request; nfgenmsg's family AF_UNSPEC asks for every family.</summary>
    public static void WriteRequest(Span<byte> buffer, uint sequence) =>
        NetlinkRequest.Write(buffer, NetlinkRequest.Ctnetlink(Get), NetlinkRequest.Dump, sequence, NfgenLength);

    /// <summary>
    /// Adds every entry of one datagram to <paramref name="builder"/>. Malformed, with the <paramref name="problem"/>,
    /// for a message or attribute that is not what the kernel sends, or a reply that is not to <paramref name="expected"/>.
    /// </summary>
    public static DumpOutcome Parse(
        ReadOnlySpan<byte> datagram, TableBreakdownBuilder builder, out int errno, out string? problem, NetlinkReply? expected = null) =>
        NetlinkMessages.ForEachBody(datagram, expected, EntryMessageType, AddEntry, ref builder, out errno, out problem);

    private static void AddEntry(ReadOnlySpan<byte> body, ref TableBreakdownBuilder builder) =>
        builder.Add(TryEntry(body, out ConntrackEntry entry)
            ? entry
            : throw new NetlinkFormatException("an entry of the dump without a whole original tuple (source, destination, protocol)"));

    /// <summary>One entry's attributes; false when its original tuple is missing or cut short.</summary>
    public static bool TryEntry(ReadOnlySpan<byte> attributes, out ConntrackEntry entry)
    {
        entry = default;
        ConntrackAddress source = default, destination = default, replySource = default;
        byte protocol = 0;
        ushort port = 0;
        bool haveTuple = false, assured = false, replied = false;
        byte? tcpState = null;
        uint timeout = 0;
        foreach ((ushort type, ReadOnlySpan<byte> value) in new NetlinkAttributes(attributes))
        {
            switch (type)
            {
                case TupleOrig:
                    haveTuple = TryTuple(value, out source, out destination, out protocol, out port);
                    break;
                case TupleReply:
                    _ = TryTuple(value, out replySource, out _, out _, out _);
                    break;
                case Status:
                    uint status = BinaryPrimitives.ReadUInt32BigEndian(NetlinkAttributes.Sized(value, type, 4));
                    assured = (status & StatusAssured) != 0;
                    replied = (status & StatusSeenReply) != 0;
                    break;
                case Timeout:
                    timeout = BinaryPrimitives.ReadUInt32BigEndian(NetlinkAttributes.Sized(value, type, 4));
                    break;
                case ProtoInfo:
                    tcpState = TcpState(value);
                    break;
            }
        }

        if (!haveTuple)
        {
            return false;
        }

        entry = new ConntrackEntry(source, new ConntrackEndpoint(destination, protocol, port), protocol, assured, replied,
            protocol == Protocols.Tcp ? tcpState : null, timeout, replySource);
        return true;
    }

    private static bool TryTuple(ReadOnlySpan<byte> tuple, out ConntrackAddress source, out ConntrackAddress destination, out byte protocol, out ushort port)
    {
        source = destination = default;
        protocol = 0;
        port = 0;
        bool haveSource = false, haveDestination = false, haveProtocol = false;
        foreach ((ushort type, ReadOnlySpan<byte> value) in new NetlinkAttributes(tuple))
        {
            if (type == TupleIp)
            {
                foreach ((ushort ipType, ReadOnlySpan<byte> ip) in new NetlinkAttributes(value))
                {
                    switch (ipType)
                    {
                        case IpV4Src: source = ConntrackAddress.V4(NetlinkAttributes.Sized(ip, ipType, 4)); haveSource = true; break;
                        case IpV4Dst: destination = ConntrackAddress.V4(NetlinkAttributes.Sized(ip, ipType, 4)); haveDestination = true; break;
                        case IpV6Src: source = ConntrackAddress.V6(NetlinkAttributes.Sized(ip, ipType, 16)); haveSource = true; break;
                        case IpV6Dst: destination = ConntrackAddress.V6(NetlinkAttributes.Sized(ip, ipType, 16)); haveDestination = true; break;
                    }
                }
            }
            else if (type == TupleProto)
            {
                foreach ((ushort protoType, ReadOnlySpan<byte> proto) in new NetlinkAttributes(value))
                {
                    switch (protoType)
                    {
                        case ProtoNum: protocol = NetlinkAttributes.Sized(proto, protoType, 1)[0]; haveProtocol = true; break;
                        case ProtoDstPort: port = BinaryPrimitives.ReadUInt16BigEndian(NetlinkAttributes.Sized(proto, protoType, 2)); break;
                    }
                }
            }
        }

        return haveSource && haveDestination && haveProtocol;
    }

    private static byte? TcpState(ReadOnlySpan<byte> protoInfo)
    {
        foreach ((ushort type, ReadOnlySpan<byte> value) in new NetlinkAttributes(protoInfo))
        {
            if (type == ProtoInfoTcp)
            {
                foreach ((ushort tcpType, ReadOnlySpan<byte> tcp) in new NetlinkAttributes(value))
                {
                    if (tcpType == ProtoInfoTcpState)
                    {
                        return NetlinkAttributes.Sized(tcp, tcpType, 1)[0];
                    }
                }
            }
        }

        return null;
    }
}
