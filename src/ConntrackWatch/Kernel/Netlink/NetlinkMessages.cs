using System.Buffers.Binary;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// The messages of one netlink datagram (struct nlmsghdr, each padded to 4 bytes), up to the one that ends a dump:
/// NLMSG_DONE, or NLMSG_ERROR with the kernel's errno. When the walk stops, <see cref="End"/> says why: More (the
/// dump goes on in the next datagram), Done, Error or Malformed. One walk for every ctnetlink request.
/// </summary>
/// <param name="expected">The request's sequence and the socket's port, which every reply must carry; null: not checked.</param>
internal ref struct NetlinkMessages(ReadOnlySpan<byte> datagram, NetlinkReply? expected = null)
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

    public DumpOutcome End { get; private set; } = DumpOutcome.More;

    /// <summary>The kernel's errno with <see cref="DumpOutcome.Error"/>; -1 when malformed.</summary>
    public int Errno { get; private set; }

    /// <summary>What was wrong, with <see cref="DumpOutcome.Malformed"/>.</summary>
    public string? Problem { get; private set; }

    /// <summary>What a parse does with the body of each message of its type (what follows the nfgenmsg).</summary>
    public delegate void BodyHandler<TState>(ReadOnlySpan<byte> body, ref TState state);

    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>
    /// Hands the body of every message of <paramref name="type"/> in one datagram to <paramref name="handle"/>, and
    /// says where the dump stands: More, Done, Error (with the kernel's errno), or Malformed with the
    /// <paramref name="problem"/> (a message without its nfgenmsg, a reply not to <paramref name="expected"/>, or
    /// a <see cref="NetlinkFormatException"/> from the handler). The one walk of every ctnetlink dump.
    /// </summary>
    public static DumpOutcome ForEachBody<TState>(
        ReadOnlySpan<byte> datagram, NetlinkReply? expected, ushort type, BodyHandler<TState> handle, ref TState state, out int errno, out string? problem)
    {
        var messages = new NetlinkMessages(datagram, expected);
        try
        {
            while (messages.MoveNext())
            {
                if (messages.Type == type)
                {
                    handle(messages.Payload.Length >= NfgenLength
                        ? messages.Payload[NfgenLength..]
                        : throw new NetlinkFormatException($"a message of {messages.Payload.Length} bytes, without its nfgenmsg"), ref state);
                }
            }
        }
        catch (NetlinkFormatException e)
        {
            (errno, problem) = (-1, e.Message);
            return DumpOutcome.Malformed;
        }

        (errno, problem) = (messages.Errno, messages.Problem);
        return messages.End;
    }

    /// <summary>True when the datagram holds the dump's end (NLMSG_DONE or an error), or does not parse.</summary>
    public static bool EndsDump(ReadOnlySpan<byte> datagram)
    {
        var messages = new NetlinkMessages(datagram);
        while (messages.MoveNext())
        {
        }

        return messages.End != DumpOutcome.More;
    }

    public bool MoveNext()
    {
        if (End != DumpOutcome.More || _rest.Length < HeaderLength)
        {
            return false;
        }

        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]);
        if (length < HeaderLength || length > _rest.Length)
        {
            (End, Errno, Problem) = (DumpOutcome.Malformed, -1, $"a message of {length} bytes where {_rest.Length} are left");
            return false;
        }

        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]);
        uint port = BinaryPrimitives.ReadUInt32LittleEndian(_rest[12..]);
        if (expected is { } reply && (sequence != reply.Sequence || (reply.Port != 0 && port != reply.Port)))
        {
            (End, Errno, Problem) = (DumpOutcome.Malformed, -1,
                $"a reply to sequence {sequence} and port {port}, not to this request's {reply.Sequence} and {reply.Port}");
            return false;
        }

        ReadOnlySpan<byte> payload = _rest[HeaderLength..length];
        switch (type)
        {
            case MessageDone:
                End = DumpOutcome.Done;
                return false;
            case MessageError:
                Errno = payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : -1;
                End = Errno == 0 ? DumpOutcome.Done : DumpOutcome.Error;
                return false;
        }

        Type = type;
        Payload = payload;
        _rest = _rest[Math.Min(Align(length), _rest.Length)..];
        return true;
    }
}
