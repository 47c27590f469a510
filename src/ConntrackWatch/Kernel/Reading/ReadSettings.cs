using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Kernel.Reading;

/// <summary>What one reading of the kernel needs to know: where proc is, which sources to use, the ceiling's inputs.</summary>
/// <param name="CeilingRefreshInterval">How long a computed memory ceiling is served before it is read again.</param>
/// <param name="Namespaces">Whether the other network namespaces are read too.</param>
/// <param name="NamespaceScanInterval">How often /proc is scanned for new namespaces.</param>
internal readonly record struct ReadSettings(
    string ProcRoot,
    CountSource CountSource,
    StatsSource StatsSource,
    int MemoryCeilingPercent,
    int? BytesPerEntry,
    TimeSpan CeilingRefreshInterval,
    NamespaceMode Namespaces = NamespaceMode.Host,
    TimeSpan NamespaceScanInterval = default)
{
    /// <summary>Where the host's / is seen, for the container runtimes' records.</summary>
    public string HostRoot { get; init; } = "/";

    public CeilingSettings Ceiling => new(ProcRoot, MemoryCeilingPercent, BytesPerEntry);
}
