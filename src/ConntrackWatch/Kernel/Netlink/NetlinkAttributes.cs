using System.Buffers.Binary;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>The netlink attributes (struct nlattr) in a span; stops at the first one cut short.</summary>
internal ref struct NetlinkAttributes(ReadOnlySpan<byte> span)
{
    private const ushort TypeMask = 0x3fff; // without NLA_F_NESTED and NLA_F_NET_BYTEORDER

    private ReadOnlySpan<byte> _rest = span;

    public NetlinkAttribute Current { get; private set; }

    public readonly NetlinkAttributes GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            return false;
        }

        Current = new NetlinkAttribute((ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & TypeMask), _rest[4..length]);
        _rest = _rest[Math.Min(NetlinkMessages.Align(length), _rest.Length)..];
        return true;
    }
}
