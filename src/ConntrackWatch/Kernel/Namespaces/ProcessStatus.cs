using System.Buffers.Text;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>What the namespace scan takes from /proc/PID/status: the process's real uid.</summary>
internal static class ProcessStatus
{
    /// <summary>The first field of the Uid line ("Uid:\t1000\t1000\t1000\t1000": real, effective, saved, fs); null when absent.</summary>
    public static int? RealUid(ReadOnlySpan<byte> status)
    {
        foreach (Range range in status.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = status[range];
            if (!line.StartsWith("Uid:"u8))
            {
                continue;
            }

            ReadOnlySpan<byte> fields = line[4..].TrimStart("\t "u8);
            return Utf8Parser.TryParse(fields, out uint uid, out int consumed) && consumed > 0 && uid <= int.MaxValue ? (int)uid : null;
        }

        return null;
    }
}
