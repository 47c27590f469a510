using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>
/// Which namespace owns each local address on the host, made when a breakdown is from the addresses the namespace
/// scan keeps (<see cref="NamespaceAddresses"/>, refreshed at every scan as pods come and go). The host's own addresses are the host's even where a
/// namespace has one too (a bridge's gateway); an address two other namespaces both have tells no owner. Loopback
/// is the host's: another namespace's loopback traffic is tracked in its own table, never in the host's.
/// </summary>
internal sealed class AddressOwners
{
    private const int Shared = -1;

    /// <summary>The most namespaces named as not wholly attributed; the rest are counted.</summary>
    public const int MaxProblems = 20;

    private readonly Dictionary<ConntrackAddress, int> _byAddress = [];
    private readonly List<AddressOwner> _owners = [];
    private readonly List<string> _problems = [];

    /// <summary>Every owner with an address, in the order read (the host first).</summary>
    public IReadOnlyList<AddressOwner> Owners => _owners;

    /// <summary>Namespaces whose addresses could not be read, or were too many to keep all: each with why.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The index in <see cref="Owners"/> of the address's owner; negative when it has none (or several).</summary>
    public int Find(in ConntrackAddress address) =>
        _byAddress.TryGetValue(address, out int owner) ? owner : LocalAddresses.IsLoopback(address) && _owners.Count > 0 ? 0 : Shared;

    /// <summary>The owner of an address, or null.</summary>
    public AddressOwner? OwnerOf(in ConntrackAddress address) => Find(address) is >= 0 and var i ? _owners[i] : null;

    /// <summary>
    /// The namespaces a reading found that may own addresses, with the addresses their last scan read: those the
    /// host governs. An unprivileged user's namespace names any address it likes (an `ip addr add` inside it), so
    /// it is believed for none; its traffic leaves through the user's own processes (slirp4netns, pasta), as the host's.
    /// </summary>
    public static List<(AddressOwner Owner, NamespaceAddresses Addresses)> Claimants(IEnumerable<NamespaceReading> namespaces) =>
    [
        .. namespaces
            .Where(n => n.Owner == NamespaceOwner.System && n.Addresses is not null)
            .Select(n => (new AddressOwner(n.Name, n.Inode, AddressOwner.KindOf(n.Name)), n.Addresses!)),
    ];

    /// <summary>The reader's own namespace as an owner: the host's, or (status run inside another) that one.</summary>
    public static AddressOwner Own(long? inode, bool isHost) => isHost
        ? new AddressOwner(NamespaceNames.Host, inode, OwnerKind.Host)
        : new AddressOwner(NamespaceNames.ThisNamespace, inode, OwnerKind.Netns);

    /// <summary>
    /// The owners of the addresses a scan read: the reader's own namespace's (the host's, as <paramref name="host"/>)
    /// and each namespace's. No file is read here.
    /// </summary>
    public static AddressOwners From(
        AddressOwner host, NamespaceAddresses hostAddresses, IEnumerable<(AddressOwner Owner, NamespaceAddresses Addresses)> namespaces)
    {
        var owners = new AddressOwners();
        owners.Add(host, hostAddresses, isHost: true);
        foreach ((AddressOwner owner, NamespaceAddresses addresses) in namespaces)
        {
            owners.Add(owner, addresses, isHost: false);
        }

        if (owners._problems.Count > MaxProblems)
        {
            int more = owners._problems.Count - MaxProblems;
            owners._problems.RemoveRange(MaxProblems, more);
            owners._problems.Add($"and {more} more namespaces whose addresses cannot be read (conntrackwatch status lists the namespaces)");
        }

        return owners;
    }

    private void Add(AddressOwner owner, NamespaceAddresses read, bool isHost)
    {
        if (read.Problem is { } problem)
        {
            _problems.Add($"{Subject(owner)}: its addresses cannot be read ({problem})");
        }
        else if (read.Capped)
        {
            _problems.Add($"{Subject(owner)}: more than {LocalAddresses.MaxAddresses} addresses, the rest not attributed");
        }

        ConntrackAddress[] addresses = read.Addresses;
        if (addresses.Length == 0 && !isHost)
        {
            return; // the host is always an owner: of its loopback at least
        }

        int index = _owners.Count;
        _owners.Add(owner);
        foreach (ConntrackAddress address in addresses)
        {
            if (isHost || !_byAddress.TryGetValue(address, out int other))
            {
                _byAddress[address] = index;
            }
            else if (other >= 0 && other != index && _owners[other].Kind != OwnerKind.Host)
            {
                _byAddress[address] = Shared;
            }
        }
    }

    private static string Subject(AddressOwner owner) => NamespaceReading.SubjectOf(owner.Name, owner.Inode);
}
