namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// The network namespaces other than the host's seen at one reading, and what could not be seen and why. The lists
/// are the watcher's own, reused at the next reading: read them before then, never keep them.
/// </summary>
/// <param name="Others">Every namespace read, the host's excepted (its figures are the reading's own).</param>
/// <param name="HostInode">The host namespace's inode, where readable.</param>
/// <param name="Unseen">Namespaces found but not readable, each with the reason and the fix.</param>
/// <param name="Limitation">What keeps the whole set from being complete (no stat file, too many namespaces); null when nothing does.</param>
/// <param name="IsHost">Whether the reader's own namespace is the host's (pid 1's); false for status run inside another.</param>
internal sealed record NamespaceSet(
    IReadOnlyList<NamespaceReading> Others,
    long? HostInode,
    IReadOnlyList<string> Unseen,
    string? Limitation,
    bool IsHost = true)
{
    /// <summary>Entries across every namespace read, the host's included.</summary>
    public long TotalWith(long hostCount)
    {
        long total = hostCount;
        for (int i = 0; i < Others.Count; i++)
        {
            total += Others[i].Count;
        }

        return total;
    }
}
