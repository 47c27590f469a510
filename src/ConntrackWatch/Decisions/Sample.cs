namespace ConntrackWatch.Decisions;

/// <summary>One poll's reading: how many entries, under which maximum, when (a <see cref="TimeProvider"/> timestamp).</summary>
internal readonly record struct Sample(long Timestamp, long Count, long Max);
