using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Kernel.Reading;

/// <summary>
/// The one way ConntrackWatch reads the kernel, for the daemon's poll and for <c>status</c> alike: it finds the
/// layout, reads the maximum, the count, the hash table size and the drop counters, serves the memory ceiling, and
/// reads the count and drop counters of every other network namespace.
/// It writes nothing and logs nothing. Keeps its handles, sockets and buffers between readings, so a steady-state
/// reading allocates nothing. Not thread-safe.
/// </summary>
internal sealed class KernelReader(MemoryCeilingCache ceilings, TimeProvider time) : IDisposable
{
    private readonly ConntrackReader _conntrack = new();
    private readonly CountersReader _counters = new();
    private readonly NamespaceWatcher _namespaces = new(time);
    private ConntrackLayout? _layout;
    private string? _layoutRoot;

    public KernelReader(TimeProvider time)
        : this(new MemoryCeilingCache(time), time)
    {
    }

    public KernelReading Read(ReadSettings settings)
    {
        // Detect again when the root changed, or when the count file was missing at detection (a kernel or a
        // tree where it appears later): the preferred source is taken up as soon as it is back.
        if (_layout is null || _layoutRoot != settings.ProcRoot
            || (_layout.CountFilePath is null && settings.CountSource != CountSource.Table))
        {
            _layout = ConntrackLayoutDetector.Detect(settings.ProcRoot);
            _layoutRoot = settings.ProcRoot;
        }

        if (_layout is not { } layout)
        {
            return KernelReading.Absent(ConntrackLayoutDetector.DescribeAbsence(settings.ProcRoot));
        }

        KernelResult<long> max = _conntrack.ReadMax(layout);
        KernelResult<long> count = max.IsOk ? _conntrack.ReadCount(layout, settings.CountSource) : max;
        if (!count.IsOk)
        {
            if (count.Status == ReadStatus.Missing)
            {
                _layout = null; // detect again: the module may have been unloaded or the layout changed
            }

            return new KernelReading(layout, max, count, default, default, default);
        }

        return new KernelReading(
            layout,
            max,
            count,
            _conntrack.ReadBuckets(layout),
            _counters.Read(settings.ProcRoot, settings.StatsSource),
            ceilings.Get(settings.Ceiling, settings.CeilingRefreshInterval),
            Namespaces: settings.Namespaces == NamespaceMode.All ? _namespaces.Read(settings.ProcRoot, settings.NamespaceScanInterval, settings.HostRoot) : null);
    }

    /// <summary>The hash table size alone: after a raise has resized it.</summary>
    public KernelResult<long> ReadBuckets(ConntrackLayout layout) => _conntrack.ReadBuckets(layout);

    public void Dispose()
    {
        _conntrack.Dispose();
        _counters.Dispose();
        _namespaces.Dispose();
    }
}
