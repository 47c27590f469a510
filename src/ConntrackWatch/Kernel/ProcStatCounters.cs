namespace ConntrackWatch.Kernel;

/// <summary>
/// Parses /proc/net/stat/nf_conntrack (present only with CONFIG_NF_CONNTRACK_PROCFS): a header naming the
/// columns, which differ between kernels, then one line of hexadecimal numbers per CPU. Real lines read
/// "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart"
/// "00000000  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000".
/// </summary>
internal static class ProcStatCounters
{
    /// <summary>The file, under a /proc root or a /proc/PID directory.</summary>
    public const string StatFile = "net/stat/nf_conntrack";

    public static bool TryParse(ReadOnlySpan<byte> content, out ConntrackCounters counters, out string? problem) =>
        TryParse(content, out counters, out _, out problem);

    /// <summary>
    /// Also gives the <c>entries</c> column: the count of the network namespace the file belongs to (every CPU line
    /// repeats it); null when the header has no such column.
    /// </summary>
    /// <param name="layout">The columns of the header seen last, kept by a caller that parses one kernel's files at every poll; null: none kept.</param>
    public static bool TryParse(ReadOnlySpan<byte> content, out ConntrackCounters counters, out long? entries, out string? problem, Layout? layout = null)
    {
        counters = default;
        entries = null;
        int newline = content.IndexOf((byte)'\n');
        ReadOnlySpan<byte> header = newline < 0 ? content : content[..newline];
        Columns columns = layout?.ColumnsOf(header) ?? Columns.Of(header);
        if (columns.Drop < 0 || columns.EarlyDrop < 0 || columns.InsertFailed < 0)
        {
            problem = $"the header has no drop, early_drop or insert_failed column: '{SysctlInteger.Show(header)}'";
            return false;
        }

        long dropSum = 0, earlyDropSum = 0, insertFailedSum = 0, chainSum = 0, clashSum = 0;
        int cpus = 0;
        ReadOnlySpan<byte> rest = newline < 0 ? [] : content[(newline + 1)..];
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            if (!columns.TryRead(line, out Row row))
            {
                problem = $"a CPU line is not hexadecimal columns of the kernel's 32-bit counters: '{SysctlInteger.Show(line)}'";
                return false;
            }

            if (cpus == 0 && columns.Entries >= 0)
            {
                if (row.Entries is not { } count)
                {
                    problem = $"the entries column is not hexadecimal: '{SysctlInteger.Show(line)}'";
                    return false;
                }

                entries = count;
            }

            dropSum += row.Drop;
            earlyDropSum += row.EarlyDrop;
            insertFailedSum += row.InsertFailed;
            chainSum += row.ChainTooLong;
            clashSum += row.ClashResolve;
            cpus++;
        }

        if (cpus == 0)
        {
            problem = "no CPU lines after the header";
            return false;
        }

        counters = new ConntrackCounters(dropSum, earlyDropSum, insertFailedSum, columns.ChainTooLong >= 0 ? chainSum : null,
            columns.ClashResolve >= 0 ? clashSum : null);
        problem = null;
        return true;
    }

    /// <summary>
    /// The columns of the header seen last, found again by comparing the next header with it rather than by reading
    /// its words: every stat file of one kernel has the same header. Not thread-safe.
    /// </summary>
    public sealed class Layout
    {
        private readonly byte[] _header = new byte[512];
        private int _length = -1;
        private Columns _columns;

        internal Columns ColumnsOf(ReadOnlySpan<byte> header)
        {
            if (header.Length == _length && header.SequenceEqual(_header.AsSpan(0, _length)))
            {
                return _columns;
            }

            _columns = Columns.Of(header);
            _length = header.Length <= _header.Length ? header.Length : -1; // a header too long to keep is read at each parse
            header[..Math.Max(_length, 0)].CopyTo(_header);
            return _columns;
        }
    }

    // One CPU line's counters; Entries null where the column is there but not hexadecimal.
    internal readonly record struct Row(long? Entries, long Drop, long EarlyDrop, long InsertFailed, long ChainTooLong, long ClashResolve);

    /// <summary>Where each counter is, by the header: -1 for a column the kernel does not print.</summary>
    internal readonly record struct Columns(int Entries, int Drop, int EarlyDrop, int InsertFailed, int ChainTooLong, int ClashResolve = -1)
    {
        // One pass over the header's words.
        public static Columns Of(ReadOnlySpan<byte> header)
        {
            int entries = -1, drop = -1, earlyDrop = -1, insertFailed = -1, chainTooLong = -1, clashResolve = -1;
            int index = 0;
            for (ReadOnlySpan<byte> rest = header; NextWord(ref rest, out ReadOnlySpan<byte> word); index++)
            {
                if (word.SequenceEqual("entries"u8)) { entries = First(entries, index); }
                else if (word.SequenceEqual("drop"u8)) { drop = First(drop, index); }
                else if (word.SequenceEqual("early_drop"u8)) { earlyDrop = First(earlyDrop, index); }
                else if (word.SequenceEqual("insert_failed"u8)) { insertFailed = First(insertFailed, index); }
                // clash_resolve in ctnetlink; the stat file shortens it (5.11 on).
                else if (word.SequenceEqual("clashres"u8)) { clashResolve = First(clashResolve, index); }
                // Renamed from delete_list when the kernel started counting over-long hash chains (5.15).
                else if (word.SequenceEqual("chainlength"u8) || word.SequenceEqual("chaintoolong"u8)) { chainTooLong = First(chainTooLong, index); }
            }

            return new Columns(entries, drop, earlyDrop, insertFailed, chainTooLong, clashResolve);
        }

        // One pass over a CPU line, up to the last column wanted: the words between are skipped, the wanted ones
        // parsed where they lie. It runs once per CPU per namespace per poll.
        public bool TryRead(ReadOnlySpan<byte> line, out Row row)
        {
            long? entries = null;
            long drop = 0, earlyDrop = 0, insertFailed = 0, chainTooLong = 0, clashResolve = 0;
            int required = Math.Max(Math.Max(Drop, EarlyDrop), Math.Max(InsertFailed, ChainTooLong));
            int last = Math.Max(Math.Max(required, Entries), ClashResolve);
            bool parsed = true;
            int column = 0;
            for (int i = 0; column <= last; column++)
            {
                while (i < line.Length && line[i] == (byte)' ')
                {
                    i++;
                }

                int start = i;
                while (i < line.Length && line[i] != (byte)' ')
                {
                    i++;
                }

                if (start == i)
                {
                    break; // the line ended
                }

                bool counted = column == Drop || column == EarlyDrop || column == InsertFailed || column == ChainTooLong || column == ClashResolve;
                if (column != Entries && !counted)
                {
                    continue;
                }

                bool hex = TryHex(line[start..i], out long value);
                parsed &= hex || !counted;
                if (column == Entries)
                {
                    entries = hex ? value : null;
                }

                if (column == Drop)
                {
                    drop = value;
                }
                else if (column == EarlyDrop)
                {
                    earlyDrop = value;
                }
                else if (column == InsertFailed)
                {
                    insertFailed = value;
                }
                else if (column == ChainTooLong)
                {
                    chainTooLong = value;
                }
                else if (column == ClashResolve)
                {
                    clashResolve = value;
                }
            }

            row = new Row(entries, drop, earlyDrop, insertFailed, chainTooLong, clashResolve);
            return parsed && column > required;
        }

        // The kernel prints unsigned 32-bit counters (%08x): ffffffff is 4294967295, never -1.
        private static bool TryHex(ReadOnlySpan<byte> word, out long value)
        {
            ulong number = 0;
            foreach (byte b in word)
            {
                int lower = b | 0x20; // A-F as a-f
                int digit = b is >= (byte)'0' and <= (byte)'9' ? b - '0' : lower is >= 'a' and <= 'f' ? lower - 'a' + 10 : -1;
                if (digit < 0 || number > uint.MaxValue >> 4)
                {
                    value = 0;
                    return false;
                }

                number = (number << 4) | (uint)digit;
            }

            value = (long)number;
            return word.Length > 0;
        }

        private static int First(int seen, int index) => seen >= 0 ? seen : index;
    }

    // The next space-separated word of rest, which moves past it; false at the end.
    private static bool NextWord(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> word)
    {
        int start = rest.IndexOfAnyExcept((byte)' ');
        if (start < 0)
        {
            word = default;
            rest = default;
            return false;
        }

        rest = rest[start..];
        int end = rest.IndexOf((byte)' ');
        word = end < 0 ? rest : rest[..end];
        rest = end < 0 ? [] : rest[end..];
        return true;
    }
}
