using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;

namespace ConntrackWatch.Kernel;

/// <summary>Computes the memory ceiling from meminfo and, where readable, slabinfo.</summary>
internal static class MemoryCeilingReader
{
    public static CeilingRead Read(ConntrackOptions options)
    {
        string memInfoPath = Path.Combine(options.ProcRoot, "meminfo");
        byte[] memInfo;
        try
        {
            memInfo = File.ReadAllBytes(memInfoPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CeilingRead(null, ProcRead.FromException(e, memInfoPath));
        }

        if (!MemInfo.TryParseMemTotal(memInfo, out long memTotalBytes, out string? problem))
        {
            return new CeilingRead(null, ProcRead.Fault(ReadStatus.Malformed, memInfoPath, problem!));
        }

        (int bytesPerEntry, string source) = BytesPerEntry(options);
        long entries = MemoryCeiling.ComputeEntries(memTotalBytes, options.MemoryCeilingPercent, bytesPerEntry);
        return new CeilingRead(
            new MemoryCeiling(entries, memTotalBytes, options.MemoryCeilingPercent, bytesPerEntry, source), null);
    }

    private static (int Bytes, string Source) BytesPerEntry(ConntrackOptions options)
    {
        if (options.BytesPerEntry is { } configured)
        {
            return (configured, "Conntrack:BytesPerEntry");
        }

        // slabinfo is mode 0400: readable by root only, and absent without CONFIG_SLUB_DEBUG or SLAB.
        string slabInfoPath = Path.Combine(options.ProcRoot, "slabinfo");
        try
        {
            if (SlabInfo.TryParseConntrackObjectSize(File.ReadAllBytes(slabInfoPath), out int objectSize))
            {
                // Each entry also costs its share of the hash table: one bucket pointer.
                return (objectSize + IntPtr.Size, $"{slabInfoPath}: object {objectSize} + bucket pointer {IntPtr.Size}");
            }

            return (MemoryCeiling.DefaultBytesPerEntry, $"default (no nf_conntrack cache in {slabInfoPath})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (MemoryCeiling.DefaultBytesPerEntry, $"default ({slabInfoPath} not readable: {ProcRead.FromException(e, slabInfoPath).Detail})");
        }
    }
}
