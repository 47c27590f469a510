namespace ConntrackWatch.Service;

internal enum PollOutcome
{
    /// <summary>The count and the maximum were read and a decision was taken.</summary>
    Completed,

    /// <summary>Conntrack is not present on this kernel (yet).</summary>
    Unavailable,

    /// <summary>A file could not be read or held nonsense; the poll was skipped.</summary>
    Skipped,
}
