using System.Buffers.Binary;
using ConntrackWatch.Kernel.Breakdown;
using ConntrackWatch.Kernel.Netlink;

namespace ConntrackWatch.Tests.Kernel.Breakdown;

/// <summary>An IPCTNL_MSG_CT_NEW message as the kernel's ctnetlink_dump_table writes it, built attribute by attribute.</summary>
public sealed class CtnetlinkDumpMessageTests
{
    private const ushort Nested = 0x8000;

    private static byte[] Attribute(ushort type, params byte[] value)
    {
        int length = 4 + value.Length;
        byte[] attribute = new byte[(length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(attribute, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.AsSpan(2), type);
        value.CopyTo(attribute, 4);
        return attribute;
    }

    private static byte[] Nest(ushort type, params byte[][] children) => Attribute((ushort)(type | Nested), [.. children.SelectMany(c => c)]);

    private static byte[] Be16(ushort value) { byte[] b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, value); return b; }

    private static byte[] Be32(uint value) { byte[] b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, value); return b; }

    private static byte[] Entry(byte[] source, byte[] destination, byte protocol, ushort port, uint status, byte? tcpState, uint timeout)
    {
        bool v6 = source.Length == 16;
        byte[] original = Nest(1,
            Nest(1, Attribute(v6 ? (ushort)3 : (ushort)1, source), Attribute(v6 ? (ushort)4 : (ushort)2, destination)),
            Nest(2, Attribute(1, protocol), Attribute(2, Be16(40000)), Attribute(3, Be16(port))));
        byte[] reply = Nest(2, Nest(1, Attribute(v6 ? (ushort)3 : (ushort)1, destination), Attribute(v6 ? (ushort)4 : (ushort)2, source)));
        List<byte[]> attributes = [original, reply, Attribute(3, Be32(status)), Attribute(7, Be32(timeout))];
        if (tcpState is { } state)
        {
            attributes.Add(Nest(4, Nest(1, Attribute(1, state))));
        }

        return [.. attributes.SelectMany(a => a)];
    }

    private static byte[] Message(ushort type, byte[] payload)
    {
        byte[] message = new byte[16 + 4 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        message[16] = 2; // nfgenmsg: AF_INET
        payload.CopyTo(message, 20);
        return message;
    }

    [Fact]
    public void ReadsTheOriginalTupleStatusTimeoutAndTcpState()
    {
        byte[] attributes = Entry([10, 0, 0, 1], [10, 0, 0, 2], 6, 22, status: 0x0e, tcpState: 3, timeout: 431_000);

        Assert.True(CtnetlinkDumpMessage.TryEntry(attributes, out ConntrackEntry entry));

        Assert.Equal("10.0.0.1", entry.Source.ToString());
        Assert.Equal("10.0.0.2:22/tcp", entry.Destination.ToString());
        Assert.Equal("10.0.0.2", entry.ReplySource.ToString()); // the reply's source: who answers (after a DNAT, the real one)
        Assert.True(entry.Assured);
        Assert.Equal((byte)3, entry.TcpState);
        Assert.Equal(431_000u, entry.TimeoutSeconds);
    }

    [Fact]
    public void ReadsIPv6AndUnreplied()
    {
        byte[] source = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        byte[] destination = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53];
        byte[] attributes = Entry(source, destination, 17, 53, status: 0x08, tcpState: null, timeout: 30);

        Assert.True(CtnetlinkDumpMessage.TryEntry(attributes, out ConntrackEntry entry));

        Assert.Equal("[fd00::53]:53/udp", entry.Destination.ToString());
        Assert.Equal("fd00::53", entry.ReplySource.ToString());
        Assert.False(entry.Assured);
        Assert.Null(entry.TcpState);
    }

    [Fact]
    public void AddsEveryEntryOfADatagramAndStopsAtDone()
    {
        byte[] first = Message(CtnetlinkDumpMessage.EntryMessageType, Entry([127, 0, 0, 1], [127, 0, 0, 1], 17, 9, 0x08, null, 30));
        byte[] second = Message(CtnetlinkDumpMessage.EntryMessageType, Entry([127, 0, 0, 2], [127, 0, 0, 1], 17, 9, 0x08, null, 30));
        byte[] done = Message(3, [0, 0, 0, 0]);
        var builder = new TableBreakdownBuilder(null);

        Assert.Equal(DumpOutcome.More, CtnetlinkDumpMessage.Parse([.. first, .. second], builder, out _, out _));
        Assert.Equal(DumpOutcome.Done, CtnetlinkDumpMessage.Parse(done, builder, out _, out _));

        TableBreakdown breakdown = builder.Build(10, "test", 0);
        Assert.Equal(2, breakdown.Entries);
        Assert.Equal(["127.0.0.1:9/udp 2"], breakdown.Destinations.Select(d => $"{d.Key} {d.Count}"));
        Assert.Equal(["9 2"], breakdown.UnrepliedUdpPorts.Select(d => $"{d.Key} {d.Count}"));
    }

    [Fact]
    public void AnEntryCutShortIsAMalformedReplyNeitherSkippedNorMisread()
    {
        byte[] attributes = Entry([10, 0, 0, 1], [10, 0, 0, 2], 6, 22, 0x0e, 3, 100);
        byte[] message = Message(CtnetlinkDumpMessage.EntryMessageType, attributes);
        BinaryPrimitives.WriteUInt32LittleEndian(message, 30); // the message says it ends within its first attribute
        var builder = new TableBreakdownBuilder(null);

        Assert.Throws<NetlinkFormatException>(() => CtnetlinkDumpMessage.TryEntry(attributes.AsSpan(0, 10), out _));
        Assert.Equal(DumpOutcome.Malformed, CtnetlinkDumpMessage.Parse(message.AsSpan(0, 30), builder, out _, out string? problem));
        Assert.StartsWith("an attribute of ", problem, StringComparison.Ordinal);
        Assert.Equal(0, builder.Entries);
    }

    [Fact]
    public void AnEntryWithoutItsOriginalTupleIsAMalformedReply()
    {
        byte[] status = [8, 0, 3, 0, 0, 0, 0, 0x0e]; // CTA_STATUS alone
        var builder = new TableBreakdownBuilder(null);

        Assert.Equal(DumpOutcome.Malformed,
            CtnetlinkDumpMessage.Parse(Message(CtnetlinkDumpMessage.EntryMessageType, status), builder, out _, out string? problem));
        Assert.Equal("an entry of the dump without a whole original tuple (source, destination, protocol)", problem);
    }
}
