namespace ConntrackWatch.Kernel;

/// <summary>The largest nf_conntrack_max the host's memory allows.</summary>
/// <param name="Entries">floor(MemTotal bytes x percent / 100 / bytes per entry).</param>
/// <param name="BytesPerEntrySource">Where <paramref name="BytesPerEntry"/> came from, for the log.</param>
internal sealed record MemoryCeiling(long Entries, long MemTotalBytes, int Percent, int BytesPerEntry, string BytesPerEntrySource)
{
    /// <summary>What one entry costs when neither configuration nor slabinfo says: a 64-bit kernel's object and then some.</summary>
    public const int DefaultBytesPerEntry = 320;

    /// <summary>The range an entry's cost may take, configured or read from slabinfo.</summary>
    public const int MinBytesPerEntry = 64;

    public const int MaxBytesPerEntry = 65536;

    public static long ComputeEntries(long memTotalBytes, int percent, int bytesPerEntry)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerEntry);
        // Int128 keeps bytes x percent exact for any RAM size; the result is entries, in whole units.
        return (long)((Int128)memTotalBytes * percent / 100 / bytesPerEntry);
    }
}
