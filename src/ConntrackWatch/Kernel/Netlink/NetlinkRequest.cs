using System.Buffers.Binary;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// The one writer of netlink requests: struct nlmsghdr, the family's own header (nfgenmsg, rtgenmsg) zeroed but
/// for its family byte, then attributes, the header's length kept up to date. Addressed to the kernel (port 0).
/// </summary>
internal static class NetlinkRequest
{
    public const ushort Request = 0x1;          // NLM_F_REQUEST
    public const ushort Dump = Request | 0x300; // NLM_F_REQUEST | NLM_F_DUMP (NLM_F_ROOT | NLM_F_MATCH)

    /// <summary>A ctnetlink message type: the subsystem (NFNL_SUBSYS_CTNETLINK) in the high byte.</summary>
    public static ushort Ctnetlink(ushort message) => (ushort)((1 << 8) | message);

    /// <summary>Writes the headers into <paramref name="buffer"/>; returns the request's length so far.</summary>
    public static int Write(Span<byte> buffer, ushort type, ushort flags, uint sequence, int familyHeaderLength, byte family = 0)
    {
        int length = NetlinkMessages.HeaderLength + familyHeaderLength;
        buffer[..length].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], sequence);
        buffer[NetlinkMessages.HeaderLength] = family;
        return SetLength(buffer, length);
    }

    /// <summary>Appends a 32-bit attribute (host order, as rtnetlink's are) to a request of <paramref name="length"/> bytes.</summary>
    public static int AppendUInt32(Span<byte> buffer, int length, ushort attributeType, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[length..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[(length + 2)..], attributeType);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[(length + 4)..], value);
        return SetLength(buffer, length + 8);
    }

    private static int SetLength(Span<byte> buffer, int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)length); // nlmsg_len, host order
        return length;
    }
}
