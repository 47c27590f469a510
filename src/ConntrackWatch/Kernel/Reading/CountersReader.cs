using ConntrackWatch.Kernel.Netlink;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Reading;

/// <summary>
/// Reads the kernel's per-CPU conntrack counters the configured way: ctnetlink first (what `conntrack -S` uses,
/// present whatever the kernel configuration), /proc/net/stat/nf_conntrack as the fallback. Reuses its buffers.
/// </summary>
internal sealed class CountersReader : IDisposable
{
    private readonly CtnetlinkStatsReader _netlink = new();
    private readonly ProcHandles _handles = new();
    private readonly ProcStatCounters.Layout _layout = new();
    private byte[] _buffer = new byte[16 * 1024];
    private (string Root, string File) _statFile = (string.Empty, string.Empty);

    public KernelResult<ConntrackCounters> Read(string procRoot, StatsSource source)
    {
        string file = StatFileUnder(procRoot);
        switch (source)
        {
            case StatsSource.Netlink:
                return _netlink.Read();
            case StatsSource.File:
                return ReadFile(file);
        }

        // Auto. ctnetlink answers for the reading process's network namespace, not for a test tree: a ProcRoot
        // other than /proc reads the file, so that everything comes from the same place.
        if (!ProcMount.IsKernel(procRoot))
        {
            return ReadFile(file);
        }

        KernelResult<ConntrackCounters> netlink = _netlink.Read();
        if (netlink.IsOk)
        {
            return netlink;
        }

        KernelResult<ConntrackCounters> fromFile = ReadFile(file);
        return fromFile.IsOk
            ? fromFile
            : KernelResult.Fault(netlink.Status, $"{CtnetlinkStatsReader.SourceName}, then {file}", $"{netlink.Detail}; {fromFile.Detail}");
    }

    // Built once per proc root, not per poll: a steady-state poll allocates nothing.
    private string StatFileUnder(string procRoot)
    {
        if (_statFile.Root != procRoot)
        {
            _statFile = (procRoot, Path.Combine(procRoot, ProcStatCounters.StatFile));
        }

        return _statFile.File;
    }

    public void Dispose()
    {
        _netlink.Dispose();
        _handles.Dispose();
    }

    private KernelResult<ConntrackCounters> ReadFile(string path)
    {
        int length;
        try
        {
            SafeFileHandle file = _handles.Acquire(path);
            // One line per CPU: grow the buffer (rarely, and only once) until the whole file fits, up to the limit.
            while ((length = ProcFileReader.ReadFromStart(file, _buffer)) == _buffer.Length)
            {
                if (_buffer.Length > KernelFile.SmallFileLimit)
                {
                    throw KernelFile.TooLarge();
                }

                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, KernelFile.SmallFileLimit + 1));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _handles.Forget(path);
            KernelFault fault = KernelResult.FromException(e, path);
            return fault.Status == ReadStatus.Missing
                ? fault with { Detail = "the file does not exist (the kernel lacks CONFIG_NF_CONNTRACK_PROCFS)" }
                : fault;
        }

        return ProcStatCounters.TryParse(_buffer.AsSpan(0, length), out ConntrackCounters counters, out _, out string? problem, _layout)
            ? KernelResult.Ok(path, counters)
            : KernelResult.Fault(ReadStatus.Malformed, path, problem!);
    }
}
