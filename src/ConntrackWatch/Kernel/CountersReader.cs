using ConntrackWatch.Configuration;
using ConntrackWatch.Kernel.Netlink;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Reads the kernel's per-CPU conntrack counters the configured way: ctnetlink first (what `conntrack -S` uses,
/// present whatever the kernel configuration), /proc/net/stat/nf_conntrack as the fallback. Reuses its buffers.
/// </summary>
internal sealed class CountersReader : IDisposable
{
    public const string StatFile = "net/stat/nf_conntrack";

    private readonly CtnetlinkStatsReader _netlink = new();
    private byte[] _buffer = new byte[16 * 1024];

    public CountersRead Read(ConntrackOptions options)
    {
        string file = Path.Combine(options.ProcRoot, StatFile);
        switch (options.StatsSource)
        {
            case StatsSource.Netlink:
                return _netlink.Read();
            case StatsSource.File:
                return ReadFile(file);
        }

        // Auto. ctnetlink answers for the reading process's network namespace, not for a test tree: a ProcRoot
        // other than /proc reads the file, so that everything comes from the same place.
        if (options.ProcRoot != "/proc")
        {
            return ReadFile(file);
        }

        CountersRead netlink = _netlink.Read();
        if (netlink.IsOk)
        {
            return netlink;
        }

        CountersRead fromFile = ReadFile(file);
        return fromFile.IsOk
            ? fromFile
            : CountersRead.Fault(netlink.Status, $"{CtnetlinkStatsReader.SourceName}, then {file}", $"{netlink.Detail}; {fromFile.Detail}");
    }

    public void Dispose() => _netlink.Dispose();

    private CountersRead ReadFile(string path)
    {
        int length;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            length = ReadAll(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ProcRead fault = ProcRead.FromException(e, path);
            return CountersRead.Fault(fault.Status, path, fault.Status == ReadStatus.Missing
                ? "the file does not exist (the kernel lacks CONFIG_NF_CONNTRACK_PROCFS)"
                : fault.Detail!);
        }

        return ProcStatCounters.TryParse(_buffer.AsSpan(0, length), out ConntrackCounters counters, out string? problem)
            ? CountersRead.Ok(counters, path)
            : CountersRead.Fault(ReadStatus.Malformed, path, problem!);
    }

    // One line per CPU: grow the buffer (rarely, and only once) until the whole file fits.
    private int ReadAll(SafeFileHandle handle)
    {
        int total = 0;
        while (true)
        {
            if (total == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            int read = RandomAccess.Read(handle, _buffer.AsSpan(total), total);
            if (read == 0)
            {
                return total;
            }

            total += read;
        }
    }
}
