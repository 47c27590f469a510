using System.Buffers.Text;
using System.Net;

namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>
/// Parses one line of /proc/net/nf_conntrack, the table file the breakdown falls back to where ctnetlink is refused.
/// Real lines read
/// "ipv4     2 udp      17 29 src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=9 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9 dport=40000 mark=0 zone=0 use=2"
/// "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=40022 dport=22 src=10.0.0.2 dst=10.0.0.1 sport=22 dport=40022 [ASSURED] mark=0 zone=0 use=2":
/// the family, the protocol's name and number, the seconds left, the TCP state, then the original direction's
/// tuple before the reply's. Pure.
/// </summary>
internal static class ProcTableLine
{
    public static bool TryParse(ReadOnlySpan<byte> line, out ConntrackEntry entry)
    {
        entry = default;
        ConntrackAddress source = default, destination = default, replySource = default;
        bool haveSource = false, haveDestination = false, haveReplySource = false, assured = false, unreplied = false;
        ushort port = 0;
        byte protocol = 0;
        byte? tcpState = null;
        uint timeout = 0;
        int field = 0;
        foreach (Range range in line.Split((byte)' '))
        {
            ReadOnlySpan<byte> word = line[range];
            if (word.IsEmpty)
            {
                continue;
            }

            switch (field++)
            {
                case 3 when !Utf8Parser.TryParse(word, out protocol, out int used) || used != word.Length:
                    return false;
                case 4 when !Utf8Parser.TryParse(word, out timeout, out int used) || used != word.Length:
                    return false;
                case 5 when protocol == Protocols.Tcp && word[0] != (byte)'s':
                    tcpState = TcpState(word);
                    continue;
            }

            if (field <= 5)
            {
                continue;
            }

            // The first src=, dst= and dport= are the original direction's; the reply's follow.
            // An original address the kernel would not print makes the line no entry (not the reply's address).
            if (!haveSource && word.StartsWith("src="u8))
            {
                if (!(haveSource = TryAddress(word[4..], out source)))
                {
                    return false;
                }
            }
            else if (!haveDestination && word.StartsWith("dst="u8))
            {
                if (!(haveDestination = TryAddress(word[4..], out destination)))
                {
                    return false;
                }
            }
            else if (!haveReplySource && haveDestination && word.StartsWith("src="u8))
            {
                haveReplySource = TryAddress(word[4..], out replySource);
            }
            else if (port == 0 && haveDestination && word.StartsWith("dport="u8))
            {
                _ = Utf8Parser.TryParse(word[6..], out port, out _);
            }
            else if (word.SequenceEqual("[ASSURED]"u8))
            {
                assured = true;
            }
            else if (word.SequenceEqual("[UNREPLIED]"u8))
            {
                unreplied = true;
            }
        }

        if (!haveSource || !haveDestination)
        {
            return false;
        }

        entry = new ConntrackEntry(source, new ConntrackEndpoint(destination, protocol, port), protocol, assured, !unreplied, tcpState, timeout,
            replySource);
        return true;
    }

    // Only what the kernel prints: a dotted quad (%pI4) or an RFC 5952 IPv6 address (%pI6c). IPAddress.TryParse
    // alone would also take "1" or "0x7f.1" for 0.0.0.1 and 127.0.0.1.
    private static bool TryAddress(ReadOnlySpan<byte> text, out ConntrackAddress address)
    {
        address = default;
        Span<byte> bytes = stackalloc byte[16];
        if (text.IndexOf((byte)':') < 0)
        {
            if (!TryDottedQuad(text, bytes))
            {
                return false;
            }

            address = ConntrackAddress.V4(bytes);
            return true;
        }

        Span<char> chars = stackalloc char[46];
        Span<char> canonical = stackalloc char[46];
        if (text.Length > chars.Length)
        {
            return false;
        }

        int length = System.Text.Encoding.ASCII.GetChars(text, chars);
        if (!IPAddress.TryParse(chars[..length], out IPAddress? parsed) || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6
            || !parsed.TryFormat(canonical, out int written) || !canonical[..written].SequenceEqual(chars[..length]))
        {
            return false; // .NET prints an IPv6 address as RFC 5952 says: anything else is not the kernel's
        }

        parsed.TryWriteBytes(bytes, out _);
        address = ConntrackAddress.V6(bytes);
        return true;
    }

    // Four decimal numbers from 0 to 255, without leading zeros, joined by dots.
    private static bool TryDottedQuad(ReadOnlySpan<byte> text, Span<byte> bytes)
    {
        int octet = 0;
        foreach (Range range in text.Split((byte)'.'))
        {
            ReadOnlySpan<byte> part = text[range];
            if (octet == 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == (byte)'0')
                || !Utf8Parser.TryParse(part, out byte value, out int consumed) || consumed != part.Length)
            {
                return false;
            }

            bytes[octet++] = value;
        }

        return octet == 4;
    }

    private static readonly byte[][] TcpStateNames =
        [.. Enumerable.Range(0, 10).Select(state => System.Text.Encoding.ASCII.GetBytes(Protocols.TcpStateName((byte)state)))];

    private static byte? TcpState(ReadOnlySpan<byte> name)
    {
        for (int state = 0; state < TcpStateNames.Length; state++)
        {
            if (name.SequenceEqual(TcpStateNames[state]))
            {
                return (byte)state;
            }
        }

        return null;
    }
}
