using System.Buffers.Text;

namespace ConntrackWatch.Kernel;

/// <summary>Parses /proc/meminfo by key, never by line position.</summary>
internal static class MemInfo
{
    /// <summary>
    /// Finds <c>MemTotal</c> in bytes. A real line reads "MemTotal:       24684084 kB"; the kernel's "kB" means KiB.
    /// </summary>
    public static bool TryParseMemTotal(ReadOnlySpan<byte> content, out long bytes, out string? problem)
    {
        foreach (Range range in content.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = content[range];
            if (!line.StartsWith("MemTotal:"u8))
            {
                continue;
            }

            ReadOnlySpan<byte> rest = line["MemTotal:"u8.Length..].Trim(" \t\r"u8);
            if (!Utf8Parser.TryParse(rest, out long kib, out int consumed) || kib <= 0)
            {
                return Fail($"MemTotal has no positive number: '{SysctlInteger.Show(line)}'", out bytes, out problem);
            }

            ReadOnlySpan<byte> unit = rest[consumed..].Trim(" \t"u8);
            if (!unit.SequenceEqual("kB"u8))
            {
                return Fail($"MemTotal unit is '{SysctlInteger.Show(unit)}', expected kB", out bytes, out problem);
            }

            if (kib > long.MaxValue / 1024)
            {
                return Fail($"MemTotal of {kib} kB is more memory than a 64-bit kernel can address", out bytes, out problem);
            }

            bytes = kib * 1024;
            problem = null;
            return true;
        }

        return Fail(content.IsEmpty ? "the file is empty" : "no MemTotal line", out bytes, out problem);
    }

    private static bool Fail(string why, out long bytes, out string? problem)
    {
        bytes = 0;
        problem = why;
        return false;
    }
}
