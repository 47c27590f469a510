namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>What one namespace's conntrack table holds, by who and what: the answer to "who fills the table?".</summary>
/// <param name="Entries">Entries read.</param>
/// <param name="Assured">Entries the kernel keeps (IPS_ASSURED): early drop evicts only the others when the table is full.</param>
/// <param name="Unreplied">Entries no reply was seen for (IPS_SEEN_REPLY unset, [UNREPLIED] in the table file).</param>
/// <param name="Protocols">Entries by IP protocol, exact, most first.</param>
/// <param name="TcpStates">TCP entries by state, exact, most first.</param>
/// <param name="Sources">The top sources (original direction), most first.</param>
/// <param name="Destinations">The top destinations (address, port, protocol), most first.</param>
/// <param name="UnrepliedUdpPorts">Unreplied UDP entries (never answered) by destination port, exact, most first.</param>
/// <param name="IdleEstablished">Established TCP entries idle for more than <see cref="IdleThresholdSeconds"/>.</param>
/// <param name="EstablishedTimeoutSeconds">nf_conntrack_tcp_timeout_established; null when unreadable.</param>
/// <param name="Source">Where it was read from: ctnetlink or the table file.</param>
/// <param name="Seconds">How long the reading took.</param>
internal sealed record TableBreakdown(
    long Entries,
    long Assured,
    long Unreplied,
    IReadOnlyList<BreakdownLine> Protocols,
    IReadOnlyList<BreakdownLine> TcpStates,
    IReadOnlyList<BreakdownLine> Sources,
    IReadOnlyList<BreakdownLine> Destinations,
    IReadOnlyList<BreakdownLine> UnrepliedUdpPorts,
    long IdleEstablished,
    long? EstablishedTimeoutSeconds,
    string Source,
    double Seconds)
{
    /// <summary>
    /// Entries by the namespace that owns their addresses (source, else the reply's source), exact, the top owners
    /// most first; empty where the owners were not read (a namespace's own table).
    /// </summary>
    public IReadOnlyList<OwnerLine> Owners { get; init; } = [];

    /// <summary>Namespaces whose addresses could not be read: what the owners list may miss.</summary>
    public IReadOnlyList<string> OwnerProblems { get; init; } = [];

    /// <summary>An established TCP entry untouched for this long is idle: an hour.</summary>
    public const long IdleThresholdSeconds = 3600;
}
