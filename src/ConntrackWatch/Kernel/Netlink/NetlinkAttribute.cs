namespace ConntrackWatch.Kernel.Netlink;

/// <summary>One attribute: its type (flags masked off) and its value.</summary>
internal readonly ref struct NetlinkAttribute(ushort type, ReadOnlySpan<byte> value)
{
    private readonly ReadOnlySpan<byte> _value = value;

    public void Deconstruct(out ushort attributeType, out ReadOnlySpan<byte> attributeValue)
    {
        attributeType = type;
        attributeValue = _value;
    }
}
