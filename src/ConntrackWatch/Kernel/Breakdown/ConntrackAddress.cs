using System.Buffers.Binary;
using System.Net;

namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>An IPv4 or IPv6 address as a value: no allocation per entry, printed only for the top lines.</summary>
internal readonly record struct ConntrackAddress(UInt128 Bits, bool IsV6)
{
    public static ConntrackAddress V4(ReadOnlySpan<byte> address) => new(BinaryPrimitives.ReadUInt32BigEndian(address), false);

    public static ConntrackAddress V6(ReadOnlySpan<byte> address) => new(BinaryPrimitives.ReadUInt128BigEndian(address), true);

    public override string ToString()
    {
        if (!IsV6)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)Bits);
            return new IPAddress(v4).ToString();
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, Bits);
        return new IPAddress(v6).ToString();
    }
}
