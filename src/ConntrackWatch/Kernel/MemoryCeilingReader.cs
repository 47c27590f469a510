namespace ConntrackWatch.Kernel;

/// <summary>Computes the memory ceiling from meminfo and, where readable, slabinfo.</summary>
internal static class MemoryCeilingReader
{
    public static KernelResult<MemoryCeiling?> Read(CeilingSettings settings)
    {
        string memInfoPath = Path.Combine(settings.ProcRoot, "meminfo");
        byte[] memInfo;
        try
        {
            memInfo = KernelFile.ReadSmall(memInfoPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return KernelResult.FromException(e, memInfoPath);
        }

        if (!MemInfo.TryParseMemTotal(memInfo, out long memTotalBytes, out string? problem))
        {
            return KernelResult.Fault(ReadStatus.Malformed, memInfoPath, problem!);
        }

        (int bytesPerEntry, string source) = BytesPerEntry(settings);
        long entries = MemoryCeiling.ComputeEntries(memTotalBytes, settings.Percent, bytesPerEntry);
        return KernelResult.Ok<MemoryCeiling?>(
            memInfoPath, new MemoryCeiling(entries, memTotalBytes, settings.Percent, bytesPerEntry, source));
    }

    private static (int Bytes, string Source) BytesPerEntry(CeilingSettings settings)
    {
        if (settings.BytesPerEntry is { } configured)
        {
            return (configured, "Conntrack:BytesPerEntry");
        }

        // slabinfo is mode 0400: readable by root only, and absent without CONFIG_SLUB_DEBUG or SLAB.
        string slabInfoPath = Path.Combine(settings.ProcRoot, "slabinfo");
        try
        {
            if (SlabInfo.TryParseConntrackObjectSize(KernelFile.ReadSmall(slabInfoPath), out int objectSize))
            {
                // Each entry also costs its share of the hash table: one bucket pointer.
                long bytes = (long)objectSize + IntPtr.Size;
                return bytes is >= MemoryCeiling.MinBytesPerEntry and <= MemoryCeiling.MaxBytesPerEntry
                    ? ((int)bytes, $"{slabInfoPath}: object {objectSize} + bucket pointer {IntPtr.Size}")
                    : (MemoryCeiling.DefaultBytesPerEntry,
                        $"default ({slabInfoPath} gives nf_conntrack objects of {objectSize} bytes, outside {MemoryCeiling.MinBytesPerEntry} to {MemoryCeiling.MaxBytesPerEntry} per entry: not a kernel's slabinfo)");
            }

            return (MemoryCeiling.DefaultBytesPerEntry, $"default (no nf_conntrack cache in {slabInfoPath})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (MemoryCeiling.DefaultBytesPerEntry, $"default ({slabInfoPath} not readable: {KernelResult.FromException(e, slabInfoPath).Detail})");
        }
    }
}
