using System.Buffers.Binary;
using ConntrackWatch.Kernel.Netlink;

namespace ConntrackWatch.Tests.Kernel.Netlink;

public sealed class NamespaceIdsTests
{
    // An RTM_NEWNSID answer: nlmsghdr, rtgenmsg (padded to 4), then NETNSA_NSID with the given payload.
    private static byte[] Answer(uint sequence, ushort type, params byte[] nsid)
    {
        byte[] message = new byte[20 + 4 + ((nsid.Length + 3) & ~3)];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(20), (ushort)(4 + nsid.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(22), 1);
        nsid.CopyTo(message.AsSpan(24));
        return message;
    }

    [Fact]
    public void ReadsTheIdOfTheAnswerToItsOwnRequestOnly()
    {
        Assert.Equal(7, NamespaceIds.Parse(Answer(3, 88, 7, 0, 0, 0), 3));
        Assert.Null(NamespaceIds.Parse(Answer(2, 88, 7, 0, 0, 0), 3)); // another request's answer
        Assert.Null(NamespaceIds.Parse(Answer(3, 2, 7, 0, 0, 0), 3)); // NLMSG_ERROR
    }

    [Fact]
    public void NoIdAssignedAndAShortAttributeAreNoId()
    {
        Assert.Null(NamespaceIds.Parse(Answer(1, 88, 0xff, 0xff, 0xff, 0xff), 1)); // -1: NETNSA_NSID_NOT_ASSIGNED
        Assert.Null(NamespaceIds.Parse(Answer(1, 88, 7, 0), 1));
        Assert.Null(NamespaceIds.Parse(Answer(1, 88, 7, 0, 0, 0).AsSpan(0, 19), 1));
    }
}
