using System.Buffers.Binary;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// The netlink attributes (struct nlattr) in a span; one cut short, or left over bytes too few for one, is a
/// <see cref="NetlinkFormatException"/>.
/// </summary>
internal ref struct NetlinkAttributes(ReadOnlySpan<byte> span)
{
    private const ushort TypeMask = 0x3fff; // without NLA_F_NESTED and NLA_F_NET_BYTEORDER

    private ReadOnlySpan<byte> _rest = span;

    public NetlinkAttribute Current { get; private set; }

    public readonly NetlinkAttributes GetEnumerator() => this;

    /// <summary>A value that must be <paramref name="size"/> bytes, as its type says.</summary>
    public static ReadOnlySpan<byte> Sized(ReadOnlySpan<byte> value, ushort type, int size) => value.Length == size
        ? value
        : throw new NetlinkFormatException($"attribute {type} holds {value.Length} bytes where its type has {size}");

    public bool MoveNext()
    {
        if (_rest.IsEmpty)
        {
            return false;
        }

        int length = _rest.Length >= 4 ? BinaryPrimitives.ReadUInt16LittleEndian(_rest) : 0;
        if (length < 4 || length > _rest.Length)
        {
            throw new NetlinkFormatException(length < 4
                ? $"an attribute of {length} bytes, shorter than its own header, {_rest.Length} bytes before the end"
                : $"an attribute of {length} bytes where {_rest.Length} are left");
        }

        Current = new NetlinkAttribute((ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & TypeMask), _rest[4..length]);
        _rest = _rest[Math.Min(NetlinkMessages.Align(length), _rest.Length)..];
        return true;
    }
}
