namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>One network namespace's conntrack count and drop counters, as read at one poll.</summary>
/// <param name="Key">Identifies the namespace between polls: the device and inode of its conntrack stat file, which the kernel creates once per namespace.</param>
/// <param name="Name">How an admin knows it: the <c>ip netns</c> name, the container or pod, the unit, or "pid N (comm)".</param>
/// <param name="Inode">The namespace's own inode (what <c>readlink /proc/PID/ns/net</c> shows); null where that needs more privilege than the daemon has.</param>
/// <param name="Count">Its entries (the stat file's <c>entries</c> column).</param>
/// <param name="Counters">Its drop counters, summed over the CPUs.</param>
/// <param name="Fault">Why its stat file could not be read at this poll; Count and Counters are then 0.</param>
/// <param name="Place">Where its table is reached from: the path to enter it by, and its table file.</param>
/// <param name="Owner">Whether the host governs it or an unprivileged user (<see cref="NamespaceOwner"/>).</param>
/// <param name="Addresses">Its local addresses as the last scan read them; null where none are believed (a user's namespace).</param>
internal readonly record struct NamespaceReading(
    FileIdentity Key, string Name, long? Inode, long Count, ConntrackCounters Counters, string? Fault = null, NamespacePlace? Place = null,
    NamespaceOwner Owner = NamespaceOwner.System, NamespaceAddresses? Addresses = null)
{
    public bool IsOk => Fault is null;

    /// <summary>"web (ns 4026532177)", or the name alone where the inode is unknown.</summary>
    public string Subject => SubjectOf(Name, Inode);

    /// <summary>"web (ns 4026532177)", or the name alone where the inode is unknown.</summary>
    public static string SubjectOf(string name, long? inode) => inode is { } known ? $"{name} (ns {known})" : name;
}
