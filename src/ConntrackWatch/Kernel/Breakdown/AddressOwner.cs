namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>Who an address belongs to: the network namespace that has it as a local address, named as the watcher names it.</summary>
/// <param name="Name">"container web", "pod default/api-7c9f", "host", an ip netns name, "unknown".</param>
/// <param name="Inode">The namespace's inode; null for the host's where unreadable, and for unknown.</param>
internal sealed record AddressOwner(string Name, long? Inode, OwnerKind Kind)
{
    public static AddressOwner Unknown { get; } = new("unknown", null, OwnerKind.Unknown);

    /// <summary>The kind of owner a namespace's name says it is.</summary>
    public static OwnerKind KindOf(string name) => name switch
    {
        Namespaces.NamespaceNames.Host => OwnerKind.Host,
        _ when name.StartsWith("pod ", StringComparison.Ordinal) => OwnerKind.Pod,
        _ when name.StartsWith("container ", StringComparison.Ordinal) || name.StartsWith("lxc ", StringComparison.Ordinal) => OwnerKind.Container,
        _ when name.StartsWith("unit ", StringComparison.Ordinal) => OwnerKind.Unit,
        _ when name.Contains("pid ", StringComparison.Ordinal) && name.EndsWith(')') => OwnerKind.Process,
        _ => OwnerKind.Netns,
    };
}

/// <summary>What an owner is, for a reader that sorts them: <c>--json</c>'s "kind".</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<OwnerKind>))]
internal enum OwnerKind
{
    Host,
    Pod,
    Container,
    Unit,
    Netns,
    Process,
    Unknown,
}

/// <summary>One line of the owners list: an owner and the entries whose addresses are its, exact.</summary>
internal readonly record struct OwnerLine(AddressOwner Owner, long Count);
