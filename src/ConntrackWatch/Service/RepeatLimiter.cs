namespace ConntrackWatch.Service;

/// <summary>
/// Keeps a lasting condition from flooding the journal: report it when it starts or changes, then at most once
/// per repeat interval while it lasts, and once when it clears.
/// </summary>
internal sealed class RepeatLimiter(TimeProvider time)
{
    private string? _active;
    private long _reportedAt;

    /// <summary>True when <paramref name="condition"/> is new, differs from the last one, or is due again.</summary>
    public bool ShouldReport(string condition, TimeSpan repeatAfter)
    {
        if (condition == _active && time.GetElapsedTime(_reportedAt) < repeatAfter)
        {
            return false;
        }

        _active = condition;
        _reportedAt = time.GetTimestamp();
        return true;
    }

    /// <summary>True exactly once after a reported condition ends.</summary>
    public bool Clear()
    {
        bool wasActive = _active is not null;
        _active = null;
        return wasActive;
    }
}
