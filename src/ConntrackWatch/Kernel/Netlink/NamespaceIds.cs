using System.Buffers.Binary;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// The id this network namespace gives another (RTM_GETNSID, what <c>ip netns list-id</c> shows), asked of
/// rtnetlink by the pid of a process in it or by an open file of it. Any user may ask, and an id names one
/// namespace, so two answers that agree prove two sightings the same namespace where its inode is not readable
/// (the hardened unit has no ptrace access to other users' processes). The kernel gives ids as namespaces are
/// linked (a veth pair into a container's namespace, as Docker and CNI make): where none was given the answer is
/// "none", and nothing is assigned here.
/// </summary>
internal sealed class NamespaceIds : IDisposable
{
    private const int NetlinkRoute = 0;
    private const ushort GetNsid = 90;   // RTM_GETNSID
    private const ushort NewNsid = 88;   // RTM_NEWNSID, the answer
    private const ushort AttributeNsid = 1, AttributePid = 2, AttributeFd = 3; // NETNSA_*

    private readonly NetlinkSocket? _socket = NetlinkSocket.Open(NetlinkRoute, TimeSpan.FromSeconds(1), out _);
    private readonly byte[] _buffer = new byte[4096];
    private uint _sequence;

    /// <summary>The id of the namespace of process <paramref name="pid"/>; null when there is none or it cannot be had.</summary>
    public int? OfProcess(int pid) => Ask(AttributePid, (uint)pid);

    /// <summary>The id of the namespace a file names (a bind mount such as /run/netns/NAME); null likewise.</summary>
    public int? OfFile(string path)
    {
        int fd = Posix.Open(path, Posix.OpenReadOnlyNonBlocking, 0);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            return Ask(AttributeFd, (uint)fd);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    public void Dispose() => _socket?.Dispose();

    private int? Ask(ushort attribute, uint value)
    {
        if (_socket is null)
        {
            return null;
        }

        // struct nlmsghdr, struct rtgenmsg (AF_UNSPEC, padded to 4), one u32 attribute.
        Span<byte> buffer = stackalloc byte[NetlinkMessages.HeaderLength + 4 + 8];
        uint sequence = ++_sequence;
        int length = NetlinkRequest.Write(buffer, GetNsid, NetlinkRequest.Request, sequence, familyHeaderLength: 4);
        length = NetlinkRequest.AppendUInt32(buffer, length, attribute, value);
        if (!_socket.Send(buffer[..length], out _))
        {
            return null;
        }

        int received = _socket.Receive(_buffer, out _);
        return received > 0 ? Parse(_buffer.AsSpan(0, received), sequence) : null;
    }

    /// <summary>The id in an RTM_NEWNSID answer to <paramref name="sequence"/>; null for an error, no id, or another answer.</summary>
    public static int? Parse(ReadOnlySpan<byte> reply, uint sequence)
    {
        if (reply.Length < 20 || BinaryPrimitives.ReadUInt32LittleEndian(reply) is var length && (length < 20 || length > reply.Length)
            || BinaryPrimitives.ReadUInt32LittleEndian(reply[8..]) != sequence
            || BinaryPrimitives.ReadUInt16LittleEndian(reply[4..]) is var type && type != NewNsid)
        {
            return null; // NLMSG_ERROR (no such process, not a namespace), or not the answer asked for
        }

        try
        {
            foreach ((ushort kind, ReadOnlySpan<byte> data) in new NetlinkAttributes(reply[20..(int)length]))
            {
                if (kind == AttributeNsid)
                {
                    // -1 is NETNSA_NSID_NOT_ASSIGNED.
                    return BinaryPrimitives.ReadInt32LittleEndian(NetlinkAttributes.Sized(data, kind, 4)) is >= 0 and int id ? id : null;
                }
            }
        }
        catch (NetlinkFormatException)
        {
            // A malformed answer is no id: the namespace is then told apart by other means, or listed as not visible.
        }

        return null;
    }
}
