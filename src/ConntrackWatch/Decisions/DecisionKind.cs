namespace ConntrackWatch.Decisions;

internal enum DecisionKind
{
    /// <summary>Below the high-water mark, or already acted on: nothing to do.</summary>
    None,

    /// <summary>Raise the maximum to the target.</summary>
    Raise,

    /// <summary>A raise is needed but the maximum is already at or above the memory ceiling.</summary>
    RefusedAtCeiling,

    /// <summary>A raise is needed but the memory ceiling is unknown, so no raise is safe.</summary>
    RefusedNoCeiling,
}
