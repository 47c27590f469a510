using System.Buffers.Text;

namespace ConntrackWatch.Kernel;

/// <summary>Finds the size of one conntrack object in /proc/slabinfo (version 2.x).</summary>
internal static class SlabInfo
{
    private static readonly System.Buffers.SearchValues<byte> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdef"u8);

    /// <summary>
    /// Reads the objsize column of the nf_conntrack cache. A real line reads
    /// "nf_conntrack           0      0    256   16    1 : tunables    0    0    0 : slabdata      0      0      0"
    /// (columns: name active_objs num_objs objsize objperslab pagesperslab). Kernels before 4.x named the cache
    /// per network namespace, "nf_conntrack_ffff8880..."; the largest object of them counts.
    /// </summary>
    public static bool TryParseConntrackObjectSize(ReadOnlySpan<byte> content, out int objectSize)
    {
        objectSize = 0;
        foreach (Range range in content.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = content[range];
            int nameEnd = line.IndexOfAny(" \t"u8);
            if (nameEnd <= 0 || !IsConntrackCache(line[..nameEnd]))
            {
                continue;
            }

            // Skip name, active_objs and num_objs; the fourth column is objsize.
            ReadOnlySpan<byte> rest = line[nameEnd..];
            for (int column = 1; column <= 3; column++)
            {
                rest = rest.TrimStart(" \t"u8);
                if (!Utf8Parser.TryParse(rest, out int number, out int consumed))
                {
                    break;
                }

                rest = rest[consumed..];
                if (column == 3 && number > objectSize)
                {
                    objectSize = number;
                }
            }
        }

        return objectSize > 0;
    }

    private static bool IsConntrackCache(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("nf_conntrack"u8))
        {
            return true;
        }

        // Legacy per-namespace caches: "nf_conntrack_" followed by a kernel address in hex.
        return name.StartsWith("nf_conntrack_"u8)
            && name.Length > "nf_conntrack_"u8.Length
            && !name["nf_conntrack_"u8.Length..].ContainsAnyExcept(HexDigits);
    }
}
