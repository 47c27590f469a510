using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>
/// Streams /proc/net/nf_conntrack (or a namespace's /proc/PID/net/nf_conntrack) through one buffer, line by line,
/// into the breakdown: the fallback where ctnetlink is refused, and what a test tree is read with. A line longer
/// than <see cref="MaxLine"/> bytes, longer than any real one, is skipped whole, wherever the reads cut it; a
/// reading that takes longer than its limit is given up.
/// </summary>
internal static class TableFileReader
{
    public const int MaxLine = 1024;

    public static KernelResult<TableBreakdown> Read(string path, TableBreakdownBuilder builder, int top)
    {
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(TableBreakdownReader.TimeLimit.TotalSeconds * Stopwatch.Frequency);
        try
        {
            using SafeFileHandle handle = KernelFile.OpenRead(path);
            byte[] buffer = new byte[256 * 1024];
            int carried = 0;
            long offset = 0;
            bool skipping = false; // inside a line already found too long: up to its end, nothing is an entry
            int read;
            while ((read = RandomAccess.Read(handle, buffer.AsSpan(carried), offset)) > 0)
            {
                offset += read;
                ReadOnlySpan<byte> chunk = buffer.AsSpan(0, carried + read);
                int end;
                while ((end = chunk.IndexOf((byte)'\n')) >= 0)
                {
                    if (!skipping && end <= MaxLine)
                    {
                        Add(chunk[..end], builder);
                    }

                    skipping = false;
                    chunk = chunk[(end + 1)..];
                }

                // The start of a line the next read completes; a "line" this long is no entry, nor is its rest.
                skipping |= chunk.Length > MaxLine;
                carried = skipping ? 0 : chunk.Length;
                chunk[..carried].CopyTo(buffer);
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return KernelResult.Fault(ReadStatus.Failed, path, string.Create(CultureInfo.InvariantCulture,
                        $"reading it took longer than {TableBreakdownReader.TimeLimit.TotalSeconds:0} s ({builder.Entries} entries so far), so it was given up"));
                }
            }

            if (!skipping)
            {
                Add(buffer.AsSpan(0, carried), builder);
            }

            return KernelResult.Ok(path, builder.Build(top, path, Stopwatch.GetElapsedTime(start).TotalSeconds));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return KernelResult.FromException(e, path);
        }
    }

    private static void Add(ReadOnlySpan<byte> line, TableBreakdownBuilder builder)
    {
        if (!line.IsEmpty && ProcTableLine.TryParse(line, out ConntrackEntry entry))
        {
            builder.Add(entry);
        }
    }
}
