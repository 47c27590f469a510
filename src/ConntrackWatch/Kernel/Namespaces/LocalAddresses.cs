using System.Globalization;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// The addresses a network namespace owns, as its /proc/PID/net (or, entered, /proc/thread-self/net) shows them:
/// IPv4 from fib_trie's local host routes, IPv6 from if_inet6. Loopback is left out (every namespace has it, so it
/// tells no owner). Bounded: at most <see cref="ReadLimit"/> bytes of each file and <see cref="MaxAddresses"/>
/// addresses; a namespace with more is marked capped. Pure functions over spans; <see cref="AddressReader"/> reads.
/// </summary>
internal static class LocalAddresses
{
    /// <summary>The most addresses kept of one namespace.</summary>
    public const int MaxAddresses = 10_000;

    /// <summary>The most bytes read of one file: fib_trie lists every route, and a router's runs to megabytes.</summary>
    public const int ReadLimit = 4 * 1024 * 1024;

    /// <summary>
    /// The local host routes of a fib_trie: an address line ("|-- 10.0.0.5") followed by "/32 host LOCAL". True
    /// when more than <see cref="MaxAddresses"/> were found (the rest are left out).
    /// </summary>
    /// <remarks>
    /// <code>
    /// Local:
    ///   +-- 0.0.0.0/0 3 0 5
    ///      +-- 192.0.2.0/24 2 0 2
    ///            |-- 192.0.2.2
    ///               /32 host LOCAL
    /// </code>
    /// </remarks>
    public static bool ParseFibTrie(ReadOnlySpan<byte> text, ICollection<ConntrackAddress> into)
    {
        ConntrackAddress? leaf = null;
        foreach (Range range in text.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = text[range].Trim((byte)' ');
            if (line.StartsWith("|-- "u8))
            {
                leaf = TryV4(line[4..], out ConntrackAddress address) ? address : null;
            }
            else if (line.StartsWith("/"u8))
            {
                if (leaf is { } local && line.SequenceEqual("/32 host LOCAL"u8) && !Add(local, into))
                {
                    return true;
                }
            }
            else
            {
                leaf = null; // a node or a section heading: the last leaf's routes are over
            }
        }

        return false;
    }

    /// <summary>
    /// Every address of if_inet6: 32 hex digits, then the interface's index, prefix length, scope, flags and name.
    /// True when more than <see cref="MaxAddresses"/> were found in all.
    /// </summary>
    /// <remarks><code>fd000000000000000000000000000002 04 40 00 82     eth0</code></remarks>
    public static bool ParseIfInet6(ReadOnlySpan<byte> text, ICollection<ConntrackAddress> into)
    {
        foreach (Range range in text.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = text[range];
            if (line.Length > 32 && line[32] == (byte)' ' && TryHex(line[..16], out ulong high) && TryHex(line[16..32], out ulong low)
                && !Add(new ConntrackAddress(high, low, true), into))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsLoopback(in ConntrackAddress address) =>
        address.IsV6 ? address.High == 0 && address.Low == 1 : (address.Low >> 24) == 127;

    // False when the collection is full and the address is a new one: the caller stops, capped.
    private static bool Add(in ConntrackAddress address, ICollection<ConntrackAddress> into)
    {
        if (IsLoopback(address) || into.Contains(address))
        {
            return true;
        }

        if (into.Count >= MaxAddresses)
        {
            return false;
        }

        into.Add(address);
        return true;
    }

    private static bool TryV4(ReadOnlySpan<byte> text, out ConntrackAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address = default;
        int part = 0;
        foreach (Range range in text.Split((byte)'.'))
        {
            if (part == 4 || !byte.TryParse(text[range], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[part]))
            {
                return false;
            }

            part++;
        }

        if (part != 4)
        {
            return false;
        }

        address = ConntrackAddress.V4(bytes);
        return true;
    }

    private static bool TryHex(ReadOnlySpan<byte> text, out ulong value) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}
