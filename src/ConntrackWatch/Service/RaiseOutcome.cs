namespace ConntrackWatch.Service;

/// <summary>What became of a decision.</summary>
internal enum RaiseOutcome
{
    /// <summary>No raise was due, it was refused, or the write failed.</summary>
    NotRaised,

    /// <summary>A raise was due and logged, but DryRun kept it from being written.</summary>
    DryRun,

    /// <summary>The new maximum was written but reading it back gave another value.</summary>
    NotConfirmed,

    /// <summary>The new maximum was written and read back.</summary>
    Raised,
}
