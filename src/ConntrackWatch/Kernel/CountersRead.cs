namespace ConntrackWatch.Kernel;

/// <summary>Counters, or why they could not be read; <paramref name="Source"/> says how they were read.</summary>
internal readonly record struct CountersRead(ConntrackCounters? Counters, string Source, ReadStatus Status, string? Detail)
{
    public bool IsOk => Counters is not null;

    public static CountersRead Ok(ConntrackCounters counters, string source) => new(counters, source, ReadStatus.Ok, null);

    public static CountersRead Fault(ReadStatus status, string source, string detail) => new(null, source, status, detail);
}
