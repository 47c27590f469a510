namespace ConntrackWatch.Kernel;

/// <summary>
/// Holds the memory ceiling and recomputes it once the refresh interval has passed, or at once when the settings
/// it depends on change. A failed refresh keeps serving the last good ceiling (RAM rarely changes) with the fault,
/// and retries at the next call.
/// </summary>
internal sealed class MemoryCeilingCache(TimeProvider time, Func<CeilingSettings, KernelResult<MemoryCeiling?>> read)
{
    private KernelResult<MemoryCeiling?> _good;
    private long _refreshedAt;
    private CeilingSettings _settings;

    public MemoryCeilingCache(TimeProvider time)
        : this(time, MemoryCeilingReader.Read)
    {
    }

    /// <summary>
    /// The ceiling in force. On a fault, <see cref="KernelResult{T}.Value"/> is still the last good ceiling
    /// computed from the same settings, or null when there is none.
    /// </summary>
    public KernelResult<MemoryCeiling?> Get(CeilingSettings settings, TimeSpan refreshInterval)
    {
        if (_good.Value is not null && settings == _settings && time.GetElapsedTime(_refreshedAt) < refreshInterval)
        {
            return _good;
        }

        KernelResult<MemoryCeiling?> result = read(settings);
        if (result.Value is null)
        {
            return result with { Value = settings == _settings ? _good.Value : null };
        }

        _good = result;
        _settings = settings;
        _refreshedAt = time.GetTimestamp();
        return result;
    }
}
