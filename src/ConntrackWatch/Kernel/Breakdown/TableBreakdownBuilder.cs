using System.Globalization;

namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>
/// Aggregates entries as they stream in and never keeps one: exact counts by protocol, TCP state, assured, unreplied,
/// and unreplied UDP by port (small fixed arrays), and bounded top-k counts by source and by destination (space-saving,
/// <see cref="KeyCapacity"/> keys each: exact while the distinct keys fit, bounded memory whatever their number);
/// given the owners of the host's addresses, exact counts by owner: the namespace whose address is the entry's
/// source, else its reply's source (the pod behind a DNAT), else unknown.
/// </summary>
internal sealed class TableBreakdownBuilder(long? establishedTimeoutSeconds, AddressOwners? owners = null)
{
    /// <summary>Distinct sources (and destinations) counted exactly; beyond, the least counted give way.</summary>
    public const int KeyCapacity = 65_536;

    private readonly long[] _protocols = new long[256];
    private readonly long[] _tcpStates = new long[256];
    private readonly long[] _unrepliedUdpPorts = new long[65_536];
    private readonly SpaceSaving<ConntrackAddress> _sources = new(KeyCapacity);
    private readonly SpaceSaving<ConntrackEndpoint> _destinations = new(KeyCapacity);
    private readonly long[] _byOwner = new long[(owners?.Owners.Count ?? 0) + 1]; // the last: unknown
    private long _entries;
    private long _assured;
    private long _unreplied;
    private long _idleEstablished;

    public long Entries => _entries;

    public void Add(in ConntrackEntry entry)
    {
        _entries++;
        _protocols[entry.Protocol]++;
        _sources.Add(entry.Source);
        _destinations.Add(entry.Destination);
        if (owners is not null)
        {
            int owner = owners.Find(entry.Source);
            _byOwner[owner >= 0 || (owner = owners.Find(entry.ReplySource)) >= 0 ? owner : _byOwner.Length - 1]++;
        }

        _assured += entry.Assured ? 1 : 0;
        if (!entry.Replied)
        {
            _unreplied++;
            if (entry.Protocol == Protocols.Udp)
            {
                _unrepliedUdpPorts[entry.Destination.Port]++;
            }
        }

        if (entry.TcpState is { } state)
        {
            _tcpStates[state]++;
            // The timer restarts at every packet: an entry this far below the full timeout has been idle that long.
            if (state == Protocols.TcpEstablished && establishedTimeoutSeconds is { } full
                && full - entry.TimeoutSeconds > TableBreakdown.IdleThresholdSeconds)
            {
                _idleEstablished++;
            }
        }
    }

    public TableBreakdown Build(int top, string source, double seconds) => new(
        _entries,
        _assured,
        _unreplied,
        Exact(_protocols, top, p => Protocols.Name((byte)p)),
        Exact(_tcpStates, top, s => Protocols.TcpStateName((byte)s)),
        Lines(_sources, top, a => a),
        Lines(_destinations, top, d => d.Address),
        Exact(_unrepliedUdpPorts, top, p => p.ToString(CultureInfo.InvariantCulture)),
        _idleEstablished,
        establishedTimeoutSeconds,
        source,
        seconds)
    {
        Owners = ByOwner(top),
        OwnerProblems = owners?.Problems ?? [],
    };

    // The top owners with an entry, most first (equal counts in the order read: the host first), unknown among them.
    private List<OwnerLine> ByOwner(int top)
    {
        if (owners is null)
        {
            return [];
        }

        var lines = new List<OwnerLine>();
        for (int i = 0; i < _byOwner.Length; i++)
        {
            if (_byOwner[i] > 0)
            {
                lines.Add(new OwnerLine(i < owners.Owners.Count ? owners.Owners[i] : AddressOwner.Unknown, _byOwner[i]));
            }
        }

        return [.. lines.OrderByDescending(l => l.Count).Take(top)]; // stable: ties keep the order read
    }

    // Most first; equal counts in the order of their number (port, protocol, state), so the output is stable.
    private static List<BreakdownLine> Exact(long[] counts, int top, Func<int, string> name)
    {
        var present = new List<int>();
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                present.Add(i);
            }
        }

        present.Sort((a, b) => counts[b] != counts[a] ? counts[b].CompareTo(counts[a]) : a.CompareTo(b));
        return [.. present.Take(top).Select(i => new BreakdownLine(name(i), counts[i]))];
    }

    private List<BreakdownLine> Lines<TKey>(SpaceSaving<TKey> counts, int top, Func<TKey, ConntrackAddress> address)
        where TKey : notnull, IEquatable<TKey> =>
        [.. counts.Top(top).Select(c => new BreakdownLine(c.Key.ToString()!, c.Count, c.IsExact, c.Error, owners?.OwnerOf(address(c.Key))))];
}
