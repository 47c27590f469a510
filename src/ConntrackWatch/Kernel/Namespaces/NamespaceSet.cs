namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>The network namespaces other than the host's read at one reading, and what the last scan could not see.</summary>
/// <param name="Others">Every namespace read, the host's excepted (its figures are the reading's own): this reading's own items.</param>
/// <param name="Sight">What the scan could and could not see; the same instance until that changes.</param>
/// <param name="HostAddresses">The reader's own namespace's local addresses as the last scan read them.</param>
internal readonly record struct NamespaceSet(PollItems<NamespaceReading> Others, NamespaceSight Sight, NamespaceAddresses? HostAddresses = null)
{
    public NamespaceSet(PollItems<NamespaceReading> others, long? hostInode, IReadOnlyList<string> unseen, string? limitation, bool isHost = true)
        : this(others, new NamespaceSight(hostInode, unseen, limitation, isHost))
    {
    }

    /// <inheritdoc cref="NamespaceSight.HostInode"/>
    public long? HostInode => Sight.HostInode;

    /// <inheritdoc cref="NamespaceSight.Unseen"/>
    public IReadOnlyList<string> Unseen => Sight.Unseen;

    /// <inheritdoc cref="NamespaceSight.Limitation"/>
    public string? Limitation => Sight.Limitation;

    /// <inheritdoc cref="NamespaceSight.IsHost"/>
    public bool IsHost => Sight.IsHost;

    /// <summary>Entries across every namespace read, the host's included.</summary>
    public long TotalWith(long hostCount)
    {
        long total = hostCount;
        foreach (NamespaceReading other in Others)
        {
            total += other.Count;
        }

        return total;
    }
}

/// <summary>What a scan of the namespaces could see: made again only when that changes, so the poll logs each new one.</summary>
/// <param name="HostInode">The host namespace's inode, where readable.</param>
/// <param name="Unseen">Namespaces found but not readable, each with the reason and the fix.</param>
/// <param name="Limitation">What keeps the whole set from being complete (no stat file, too many namespaces); null when nothing does.</param>
/// <param name="IsHost">Whether the reader's own namespace is the host's (pid 1's); false for status run inside another.</param>
internal sealed record NamespaceSight(long? HostInode, IReadOnlyList<string> Unseen, string? Limitation, bool IsHost = true)
{
    public static NamespaceSight Nothing { get; } = new(null, [], null);
}
