using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Breakdown;

namespace ConntrackWatch.Tests.Decisions;

public sealed class BreakdownAdviceTests
{
    private static TableBreakdown Table(
        long entries, BreakdownLine[]? sources = null, BreakdownLine[]? udpPorts = null, long idle = 0, long? timeout = 432_000) =>
        new(entries, 0, entries, [], [], sources ?? [], [], udpPorts ?? [], idle, timeout, "test", 0);

    [Fact]
    public void UnrepliedUdpToOnePortSuggestsANotrackRule()
    {
        string advice = Assert.Single(BreakdownAdvice.For(Table(10_000, udpPorts: [new("53", 8_000)])));

        Assert.StartsWith("8000 of 10000 entries (80%) are unreplied UDP to port 53", advice, StringComparison.Ordinal);
        Assert.Contains("nft add rule inet raw prerouting udp dport 53 notrack", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void IdleEstablishedEntriesShowTheTimeoutAndWhatLoweringItWouldFree()
    {
        string advice = Assert.Single(BreakdownAdvice.For(Table(10_000, idle: 4_000)));

        Assert.Contains("4000 established TCP entries (40%) have been idle for over 1 h", advice, StringComparison.Ordinal);
        Assert.Contains("nf_conntrack_tcp_timeout_established keeps each for 432000 s (5 days)", advice, StringComparison.Ordinal);
        Assert.Contains("sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=3600", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void OneSourceHoldingMostOfTheTableIsNamed()
    {
        string advice = Assert.Single(BreakdownAdvice.For(Table(1_000, sources: [new("203.0.113.9", 700)])));

        Assert.StartsWith("203.0.113.9 is the source of 700 of 1000 entries (70%)", advice, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.9", "ip saddr 203.0.113.9 ct count over 1000 drop")]
    [InlineData("2001:db8::66", "ip6 saddr 2001:db8::66 ct count over 1000 drop")]
    public void ASourcesCapMatchesItsAddressFamily(string source, string rule)
    {
        Assert.EndsWith(rule, Assert.Single(BreakdownAdvice.For(Table(1_000, sources: [new(source, 700)]))), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryNftCommandTheAdvicePrintsPassesNftCheck()
    {
        // In a network namespace of the test's own, each command is checked by nft, then applied for the next.
        Prerequisite.RequireRoot();
        string nft = Prerequisite.RequireExecutable("nft");
        string unshare = Prerequisite.RequireExecutable("unshare");
        IEnumerable<string> advice = BreakdownAdvice.For(Table(10_000, sources: [new("2001:db8::66", 7_000)], udpPorts: [new("53", 8_000)]))
            .Concat(BreakdownAdvice.For(Table(1_000, sources: [new("203.0.113.9", 700)])));
        foreach (string text in advice)
        {
            string[] commands = [.. text[text.IndexOf("nft ", StringComparison.Ordinal)..].Split("; nft ").Select(c => c.StartsWith("nft ", StringComparison.Ordinal) ? c[4..] : c)];
            Assert.True(commands.Length >= 3, text);
            string script = string.Join('\n', commands.Select(c => $"{nft} --check {c} && {nft} {c} || exit 1"));

            Command.Result checkedScript = Command.Run(unshare, "--net", "sh", "-c", script);

            Assert.True(checkedScript.ExitCode == 0, $"{text}\n{checkedScript.Error}");
        }
    }

    [Fact]
    public void ABoundedCountIsJudgedByWhatItCertainlyHas()
    {
        // Stated 600 of 1,000, but 200 of that may be over-stated: 400 certain is no majority.
        Assert.Empty(BreakdownAdvice.For(Table(1_000, sources: [new("203.0.113.9", 600, Exact: false, Error: 200)])));
    }

    [Fact]
    public void NothingToSayOfASpreadOrSmallTable()
    {
        Assert.Empty(BreakdownAdvice.For(Table(10_000, sources: [new("a", 3_000)], udpPorts: [new("53", 4_000)], idle: 500)));
        Assert.Empty(BreakdownAdvice.For(Table(50, sources: [new("a", 50)], udpPorts: [new("53", 50)], idle: 50)));
        Assert.Empty(BreakdownAdvice.For(Table(10_000, idle: 9_000, timeout: null)));
    }
}
