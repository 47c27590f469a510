using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Kernel.Reading;

/// <summary>
/// Everything one reading of the kernel found: the layout, the maximum and the count, the hash table size, the drop
/// counters and the memory ceiling, each with its fault where it could not be read.
/// </summary>
/// <param name="Layout">The conntrack files found; null when the module is not loaded (see <paramref name="Absence"/>).</param>
/// <param name="Count">The count, or the fault that made the reading incomplete (the maximum's when that failed).</param>
/// <param name="Ceiling">The memory ceiling in force; on a fault, the last good one (or null) with the fault.</param>
/// <param name="Absence">Why no layout was found.</param>
/// <param name="Namespaces">The other network namespaces; null when only the host's is watched (Conntrack:Namespaces=Host).</param>
internal readonly record struct KernelReading(
    ConntrackLayout? Layout,
    KernelResult<long> Max,
    KernelResult<long> Count,
    KernelResult<long> Buckets,
    KernelResult<ConntrackCounters> Counters,
    KernelResult<MemoryCeiling?> Ceiling,
    string? Absence = null,
    NamespaceSet? Namespaces = null)
{
    /// <summary>The maximum and the count were both read: a decision can be taken on this reading.</summary>
    public bool IsComplete => Layout is not null && Max.IsOk && Count.IsOk;

    /// <summary>Why an available conntrack could not be read; null when complete or absent.</summary>
    public KernelFault? Fault => Layout is null ? null : Count.Fault;

    public static KernelReading Absent(string absence) => new(null, default, default, default, default, default, absence);
}
