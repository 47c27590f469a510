using ConntrackWatch.Configuration;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Decisions;

/// <summary>
/// Holds the memory ceiling and recomputes it every <see cref="ConntrackOptions.CeilingRefreshInterval"/>,
/// or at once when the options it depends on change. A failed refresh keeps the last good ceiling and retries
/// at the next call.
/// </summary>
internal sealed class MemoryCeilingCache(TimeProvider time, Func<ConntrackOptions, CeilingRead> read)
{
    private MemoryCeiling? _ceiling;
    private long _refreshedAt;
    private (string ProcRoot, int Percent, int? BytesPerEntry) _inputs;

    public MemoryCeilingCache(TimeProvider time)
        : this(time, MemoryCeilingReader.Read)
    {
    }

    public CeilingRead Get(ConntrackOptions options)
    {
        var inputs = (options.ProcRoot, options.MemoryCeilingPercent, options.BytesPerEntry);
        bool fresh = _ceiling is not null
            && inputs == _inputs
            && time.GetElapsedTime(_refreshedAt) < options.CeilingRefreshInterval;
        if (fresh)
        {
            return new CeilingRead(_ceiling, null);
        }

        CeilingRead result = read(options);
        if (result.Ceiling is null)
        {
            // Keep serving the last good value (RAM rarely changes), but say that this refresh failed.
            return new CeilingRead(inputs == _inputs ? _ceiling : null, result.Fault);
        }

        _ceiling = result.Ceiling;
        _inputs = inputs;
        _refreshedAt = time.GetTimestamp();
        return result;
    }
}
