namespace ConntrackWatch.Kernel;

/// <summary>Reads the count and the maximum through a detected layout, without allocating per read.</summary>
internal sealed class ConntrackReader : IDisposable
{
    private readonly ProcHandles _handles = new();
    private readonly ProcFileReader _files;
    private readonly LineCounter _lines;

    public ConntrackReader()
    {
        _files = new ProcFileReader(_handles);
        _lines = new LineCounter(_handles);
    }

    public void Dispose() => _handles.Dispose();

    public KernelResult<long> ReadMax(ConntrackLayout layout) => _files.ReadInteger(layout.MaxPath);

    /// <summary>nf_conntrack_buckets, or Missing on kernels that do not expose it.</summary>
    public KernelResult<long> ReadBuckets(ConntrackLayout layout) => layout.BucketsPath is { } path
        ? _files.ReadInteger(path)
        : KernelResult.Fault(ReadStatus.Missing, layout.MaxPath, "this kernel has no nf_conntrack_buckets sysctl");

    public KernelResult<long> ReadCount(ConntrackLayout layout, CountSource source) => source switch
    {
        CountSource.CountFile => layout.CountFilePath is { } file
            ? _files.ReadInteger(file)
            : KernelResult.Fault(ReadStatus.Missing, layout.MaxPath,
                "Conntrack:CountSource is CountFile but this kernel has no nf_conntrack_count next to it; set it to Auto or Table"),
        CountSource.Table => layout.TablePath is { } table
            ? _lines.CountLines(table)
            : KernelResult.Fault(ReadStatus.Missing, layout.MaxPath,
                "Conntrack:CountSource is Table but this kernel has no /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS is off); set it to Auto or CountFile"),
        _ => layout.CountFilePath is { } countFile
            ? _files.ReadInteger(countFile)
            : layout.TablePath is { } tablePath
                ? _lines.CountLines(tablePath)
                : KernelResult.Fault(ReadStatus.Missing, layout.MaxPath,
                    "this kernel has neither nf_conntrack_count nor /proc/net/nf_conntrack to count entries with"),
    };

    /// <summary>Which source a read with <paramref name="source"/> uses on <paramref name="layout"/>.</summary>
    public static string DescribeSource(ConntrackLayout layout, CountSource source) => source switch
    {
        CountSource.CountFile => layout.CountFilePath ?? "none",
        CountSource.Table => layout.TablePath ?? "none",
        _ => layout.CountFilePath ?? layout.TablePath ?? "none",
    };
}
