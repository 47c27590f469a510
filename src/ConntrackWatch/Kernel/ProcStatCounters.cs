using System.Buffers.Text;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Parses /proc/net/stat/nf_conntrack (present only with CONFIG_NF_CONNTRACK_PROCFS): a header naming the
/// columns, which differ between kernels, then one line of hexadecimal numbers per CPU. Real lines read
/// "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart"
/// "00000000  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000".
/// </summary>
internal static class ProcStatCounters
{
    public static bool TryParse(ReadOnlySpan<byte> content, out ConntrackCounters counters, out string? problem) =>
        TryParse(content, out counters, out _, out problem);

    /// <summary>
    /// Also gives the <c>entries</c> column: the count of the network namespace the file belongs to (every CPU line
    /// repeats it); null when the header has no such column.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out ConntrackCounters counters, out long? entries, out string? problem)
    {
        counters = default;
        entries = null;
        int newline = content.IndexOf((byte)'\n');
        ReadOnlySpan<byte> header = newline < 0 ? content : content[..newline];
        int entriesColumn = Column(header, "entries"u8);
        int drop = Column(header, "drop"u8);
        int earlyDrop = Column(header, "early_drop"u8);
        int insertFailed = Column(header, "insert_failed"u8);
        // Renamed from delete_list when the kernel started counting over-long hash chains (5.15).
        int chainTooLong = Math.Max(Column(header, "chainlength"u8), Column(header, "chaintoolong"u8));
        if (drop < 0 || earlyDrop < 0 || insertFailed < 0)
        {
            problem = $"the header has no drop, early_drop or insert_failed column: '{SysctlInteger.Show(header)}'";
            return false;
        }

        long dropSum = 0, earlyDropSum = 0, insertFailedSum = 0, chainSum = 0;
        int cpus = 0;
        ReadOnlySpan<byte> rest = newline < 0 ? [] : content[(newline + 1)..];
        foreach (Range range in rest.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = rest[range];
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            long c = 0;
            if (!TryHexColumn(line, drop, out long d) || !TryHexColumn(line, earlyDrop, out long e)
                || !TryHexColumn(line, insertFailed, out long f) || (chainTooLong >= 0 && !TryHexColumn(line, chainTooLong, out c)))
            {
                problem = $"a CPU line is not hexadecimal columns of the kernel's 32-bit counters: '{SysctlInteger.Show(line)}'";
                return false;
            }

            if (cpus == 0 && entriesColumn >= 0)
            {
                if (!TryHexColumn(line, entriesColumn, out long count))
                {
                    problem = $"the entries column is not hexadecimal: '{SysctlInteger.Show(line)}'";
                    return false;
                }

                entries = count;
            }

            dropSum += d;
            earlyDropSum += e;
            insertFailedSum += f;
            chainSum += c;
            cpus++;
        }

        if (cpus == 0)
        {
            problem = "no CPU lines after the header";
            return false;
        }

        counters = new ConntrackCounters(dropSum, earlyDropSum, insertFailedSum, chainTooLong >= 0 ? chainSum : null);
        problem = null;
        return true;
    }

    private static int Column(ReadOnlySpan<byte> header, ReadOnlySpan<byte> name)
    {
        int index = 0;
        foreach (Range range in header.Split((byte)' '))
        {
            ReadOnlySpan<byte> word = header[range];
            if (word.IsEmpty)
            {
                continue;
            }

            if (word.SequenceEqual(name))
            {
                return index;
            }

            index++;
        }

        return -1;
    }

    private static bool TryHexColumn(ReadOnlySpan<byte> line, int column, out long value)
    {
        int index = 0;
        foreach (Range range in line.Split((byte)' '))
        {
            ReadOnlySpan<byte> word = line[range];
            if (word.IsEmpty)
            {
                continue;
            }

            if (index++ == column)
            {
                // The kernel prints unsigned 32-bit counters (%08x): ffffffff is 4294967295, never -1.
                bool parsed = Utf8Parser.TryParse(word, out uint counter, out int consumed, 'x') && consumed == word.Length;
                value = counter;
                return parsed;
            }
        }

        value = 0;
        return false;
    }
}
