namespace ConntrackWatch.Status;

/// <summary>The monitoring-plugin states of <c>status</c>; each value is the exit code.</summary>
internal enum StatusState
{
    /// <summary>No raise is due.</summary>
    Ok = 0,

    /// <summary>A raise is due: the daemon would raise the maximum now.</summary>
    Warning = 1,

    /// <summary>A raise is due but refused (memory ceiling, unknown ceiling, kernel limit), or the table is at least 90% full.</summary>
    Critical = 2,

    /// <summary>Conntrack is unavailable or could not be read.</summary>
    Unknown = 3,
}
