using System.Buffers.Binary;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// The messages of one netlink datagram (struct nlmsghdr, each padded to 4 bytes), up to the one that ends a dump:
/// NLMSG_DONE, or NLMSG_ERROR with the kernel's errno. When the walk stops, <see cref="End"/> says why: More (the
/// dump goes on in the next datagram), Done, Error or Malformed. One walk for every ctnetlink request.
/// </summary>
internal ref struct NetlinkMessages(ReadOnlySpan<byte> datagram)
{
    public const int HeaderLength = 16;            // struct nlmsghdr
    public const int NfgenLength = 4;              // struct nfgenmsg

    private const ushort MessageError = 2;          // NLMSG_ERROR
    private const ushort MessageDone = 3;           // NLMSG_DONE

    private ReadOnlySpan<byte> _rest = datagram;

    /// <summary>The current message's type.</summary>
    public ushort Type { get; private set; }

    /// <summary>The current message after its header.</summary>
    public ReadOnlySpan<byte> Payload { get; private set; }

    public CtnetlinkStatsMessage.ParseOutcome End { get; private set; } = CtnetlinkStatsMessage.ParseOutcome.More;

    /// <summary>The kernel's errno with <see cref="CtnetlinkStatsMessage.ParseOutcome.Error"/>; -1 when malformed.</summary>
    public int Errno { get; private set; }

    public static int Align(int length) => (length + 3) & ~3;

    public bool MoveNext()
    {
        if (End != CtnetlinkStatsMessage.ParseOutcome.More || _rest.Length < HeaderLength)
        {
            return false;
        }

        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]);
        if (length < HeaderLength || length > _rest.Length)
        {
            (End, Errno) = (CtnetlinkStatsMessage.ParseOutcome.Malformed, -1);
            return false;
        }

        ReadOnlySpan<byte> payload = _rest[HeaderLength..length];
        switch (type)
        {
            case MessageDone:
                End = CtnetlinkStatsMessage.ParseOutcome.Done;
                return false;
            case MessageError:
                Errno = payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : -1;
                End = Errno == 0 ? CtnetlinkStatsMessage.ParseOutcome.Done : CtnetlinkStatsMessage.ParseOutcome.Error;
                return false;
        }

        Type = type;
        Payload = payload;
        _rest = _rest[Math.Min(Align(length), _rest.Length)..];
        return true;
    }
}
