using System.Globalization;
using ConntrackWatch.Kernel.Breakdown;

namespace ConntrackWatch.Decisions;

/// <summary>
/// What a table's breakdown suggests an admin look at, as text: never applied. Pure: it sees the breakdown only.
/// </summary>
internal static class BreakdownAdvice
{
    /// <summary>A pattern must hold at least this share of the entries...</summary>
    public const double DominantShare = 0.5;

    /// <summary>... and this many, before it is worth a word.</summary>
    public const long MinimumEntries = 100;

    public static IReadOnlyList<string> For(TableBreakdown breakdown)
    {
        var advice = new List<string>();
        long total = breakdown.Entries;
        if (total < MinimumEntries)
        {
            return advice;
        }

        if (breakdown.UnrepliedUdpPorts is [{ Count: var udp } port, ..] && Dominant(udp, total))
        {
            advice.Add(Invariant(
                $"{udp} of {total} entries ({Percent(udp, total)}) are unreplied UDP to port {port.Key}: the early drop evicts them first, but they fill the table. If that traffic needs no state (a DNS resolver, VXLAN, syslog), exempt it from tracking: nft add table inet raw; nft add chain inet raw prerouting '{{ type filter hook prerouting priority raw; }}'; nft add rule inet raw prerouting udp dport {port.Key} notrack"));
        }

        if (breakdown.EstablishedTimeoutSeconds is { } timeout && timeout > TableBreakdown.IdleThresholdSeconds
            && breakdown.IdleEstablished >= MinimumEntries && breakdown.IdleEstablished * 10 >= total)
        {
            long idle = breakdown.IdleEstablished;
            advice.Add(Invariant(
                $"{idle} established TCP entries ({Percent(idle, total)}) have been idle for over {TableBreakdown.IdleThresholdSeconds / 3600} h, yet nf_conntrack_tcp_timeout_established keeps each for {timeout} s ({timeout / 86400.0:0.#} days): lowering it to {TableBreakdown.IdleThresholdSeconds} would free them (sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established={TableBreakdown.IdleThresholdSeconds}; peers idle longer must then keep their connections alive)"));
        }

        // The host's table holds what its containers and pods send: name the one whose traffic fills it.
        if (breakdown.Owners is [{ Count: var owned } owner, ..] && owner.Owner.Kind is not (OwnerKind.Host or OwnerKind.Unknown)
            && Dominant(owned, total))
        {
            advice.Add(Invariant(
                $"{owner.Owner.Name} holds {Percent(owned, total)} of the table ({owned} of {total} entries, by the addresses it owns): its traffic is what fills it; look there (a flood, a leaking client, a scan from inside it) before raising the max again"));
        }

        if (breakdown.Sources is [{ Count: var held } source, ..] && Dominant(source.Exact ? held : held - source.Error, total))
        {
            advice.Add(Invariant(
                $"{source.Key} is the source of {held} of {total} entries ({Percent(held, total)}): a scanner, a flood or a leaking client? Look at it before raising the max again; to cap it: nft add table inet filter; nft add chain inet filter input '{{ type filter hook input priority filter; }}'; nft add rule inet filter input {AddressMatch(source.Key)} ct count over 1000 drop"));
        }

        return advice;
    }

    // nft matches an IPv4 source with "ip saddr", an IPv6 one with "ip6 saddr".
    private static string AddressMatch(string address) =>
        System.Net.IPAddress.TryParse(address, out System.Net.IPAddress? parsed) && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"ip6 saddr {address}"
            : $"ip saddr {address}";

    private static bool Dominant(long count, long total) => count >= MinimumEntries && count >= total * DominantShare;

    private static string Percent(long count, long total) => (100.0 * count / total).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
