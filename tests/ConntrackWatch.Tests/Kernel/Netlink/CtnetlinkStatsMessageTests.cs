using System.Buffers.Binary;
using ConntrackWatch.Kernel.Netlink;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel.Netlink;

public sealed class CtnetlinkStatsMessageTests
{
    [Fact]
    public void AsksForAPerCpuStatsDumpLikeConntrackMinusS()
    {
        byte[] request = new byte[CtnetlinkStatsMessage.RequestLength];

        CtnetlinkStatsMessage.WriteRequest(request, sequence: 7);

        // nlmsghdr: len 20, type (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS_CPU, flags REQUEST|DUMP,
        // seq 7, pid 0; nfgenmsg: AF_UNSPEC, NFNETLINK_V0, res_id 0.
        byte[] expected = [20, 0, 0, 0, 0x04, 0x01, 0x01, 0x03, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(expected, request);
    }

    [Fact]
    public void SumsTheCountersOfEveryCpuMessageUntilDone()
    {
        byte[] first = Concat(
            CpuMessage(cpu: 0, drop: 5, earlyDrop: 1, insertFailed: 2, chainTooLong: 0, insert: 40, clashResolve: 1),
            CpuMessage(cpu: 1, drop: 7, earlyDrop: 0, insertFailed: 1, chainTooLong: 3, insert: 2, clashResolve: 0));
        byte[] second = Done();
        var sum = new CtnetlinkStatsMessage.Accumulator();

        Assert.Equal(DumpOutcome.More, CtnetlinkStatsMessage.Parse(first, ref sum, out _, out _));
        Assert.Equal(DumpOutcome.Done, CtnetlinkStatsMessage.Parse(second, ref sum, out _, out _));

        Assert.Equal(2, sum.Cpus);
        Assert.Equal(new ConntrackCounters(Drop: 12, EarlyDrop: 1, InsertFailed: 3, ChainTooLong: 3, ClashResolve: 1), sum.ToCounters());
    }

    [Fact]
    public void ReportsTheKernelsErrno()
    {
        byte[] error = new byte[36];
        BinaryPrimitives.WriteUInt32LittleEndian(error, 36);
        BinaryPrimitives.WriteUInt16LittleEndian(error.AsSpan(4), 2); // NLMSG_ERROR
        BinaryPrimitives.WriteInt32LittleEndian(error.AsSpan(16), -1); // -EPERM
        var sum = new CtnetlinkStatsMessage.Accumulator();

        Assert.Equal(DumpOutcome.Error, CtnetlinkStatsMessage.Parse(error, ref sum, out int errno, out _));
        Assert.Equal(1, errno);
    }

    [Fact]
    public void RejectsATruncatedMessage()
    {
        byte[] message = CpuMessage(0, 1, 1, 1, 1)[..30];
        var sum = new CtnetlinkStatsMessage.Accumulator();

        Assert.Equal(DumpOutcome.Malformed, CtnetlinkStatsMessage.Parse(message, ref sum, out _, out _));
    }

    [Theory]
    [InlineData(20 + 24, 6, "attribute 10 holds 2 bytes where its type has 4")] // CTA_STATS_DROP: 2 bytes, not 4
    [InlineData(20 + 48, 12, "an attribute of 12 bytes where 8 are left")]     // the last attribute overruns the message
    public void AnAttributeCutShortOrOfTheWrongLengthIsAMalformedReplyNotACountSkipped(int at, ushort length, string expected)
    {
        byte[] message = CpuMessage(0, drop: 5, earlyDrop: 1, insertFailed: 2, chainTooLong: 0);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(at), length);
        var sum = new CtnetlinkStatsMessage.Accumulator();

        Assert.Equal(DumpOutcome.Malformed, CtnetlinkStatsMessage.Parse(message, ref sum, out _, out string? problem));
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void AReplyToAnotherRequestOrSocketIsRejected()
    {
        byte[] message = CpuMessage(0, drop: 5, earlyDrop: 1, insertFailed: 2, chainTooLong: 0);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 7);      // nlmsg_seq
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(12), 4242);  // nlmsg_pid
        var sum = new CtnetlinkStatsMessage.Accumulator();

        Assert.Equal(DumpOutcome.More, CtnetlinkStatsMessage.Parse(message, ref sum, out _, out _, new NetlinkReply(7, 4242)));
        Assert.Equal(DumpOutcome.Malformed, CtnetlinkStatsMessage.Parse(message, ref sum, out _, out string? otherRequest, new NetlinkReply(8, 4242)));
        Assert.Equal(DumpOutcome.Malformed, CtnetlinkStatsMessage.Parse(message, ref sum, out _, out _, new NetlinkReply(7, 4243)));
        Assert.Equal("a reply to sequence 7 and port 4242, not to this request's 8 and 4242", otherRequest);
        Assert.Equal(1, sum.Cpus); // only the reply to this request counted
    }

    // CTA_STATS_FOUND 2, INSERT 8, INSERT_FAILED 9, DROP 10, EARLY_DROP 11, CLASH_RESOLVE 14, CHAIN_TOOLONG 15.
    private static byte[] CpuMessage(int cpu, uint drop, uint earlyDrop, uint insertFailed, uint chainTooLong, uint insert = 0, uint clashResolve = 0)
    {
        (ushort Type, uint Value)[] attributes = [(2, 99), (8, insert), (9, insertFailed), (10, drop), (11, earlyDrop), (14, clashResolve), (15, chainTooLong)];
        byte[] message = new byte[16 + 4 + (attributes.Length * 8)];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), CtnetlinkStatsMessage.MessageType);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), 0x2); // NLM_F_MULTI
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(18), (ushort)cpu); // nfgenmsg.res_id
        int offset = 20;
        foreach ((ushort type, uint value) in attributes)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(offset), 8);
            BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(offset + 2), type);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(offset + 4), value);
            offset += 8;
        }

        return message;
    }

    private static byte[] Done()
    {
        byte[] done = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(done, 20);
        BinaryPrimitives.WriteUInt16LittleEndian(done.AsSpan(4), 3); // NLMSG_DONE
        return done;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
