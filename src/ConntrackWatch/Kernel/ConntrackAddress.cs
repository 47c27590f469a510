using System.Buffers.Binary;
using System.Net;

namespace ConntrackWatch.Kernel;

/// <summary>An IPv4 or IPv6 address as a value: no allocation per entry, printed only for the top lines.</summary>
/// <remarks>
/// Two 64-bit halves, not a UInt128, whose 16-byte alignment padded every key (and every dictionary entry holding
/// one) of the breakdown's 65,536-key summaries: 24 bytes instead of 32, 5 MB less at their size.
/// </remarks>
internal readonly record struct ConntrackAddress(ulong High, ulong Low, bool IsV6)
{
    public static ConntrackAddress V4(ReadOnlySpan<byte> address) => new(0, BinaryPrimitives.ReadUInt32BigEndian(address), false);

    public static ConntrackAddress V6(ReadOnlySpan<byte> address) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(address), BinaryPrimitives.ReadUInt64BigEndian(address[8..]), true);

    public override string ToString()
    {
        if (!IsV6)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)Low);
            return new IPAddress(v4).ToString();
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(v6, High);
        BinaryPrimitives.WriteUInt64BigEndian(v6[8..], Low);
        return new IPAddress(v6).ToString();
    }
}
