namespace ConntrackWatch.Kernel;

/// <summary>What one reading of the kernel needs to know: where proc is, which sources to use, the ceiling's inputs.</summary>
/// <param name="CeilingRefreshInterval">How long a computed memory ceiling is served before it is read again.</param>
internal readonly record struct ReadSettings(
    string ProcRoot,
    CountSource CountSource,
    StatsSource StatsSource,
    int MemoryCeilingPercent,
    int? BytesPerEntry,
    TimeSpan CeilingRefreshInterval)
{
    public CeilingSettings Ceiling => new(ProcRoot, MemoryCeilingPercent, BytesPerEntry);
}
