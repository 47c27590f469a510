using System.Text.Json;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Status;

/// <summary><c>status --top</c> on test trees, read from their table files (the fallback where netlink is refused).</summary>
public sealed class StatusTopTests
{
    private static Task<(int ExitCode, string Output, string Error)> StatusAsync(params string[] args) => InProcessDaemon.StatusAsync(args);

    private static FakeProcTree Tree() =>
        FakeProcTree.Modern(count: 10, max: 1000)
            .WithUdpTable(FakeProcTree.ModernTable, 1000, ("127.0.0.1", 6), ("127.0.0.2", 3), ("127.0.0.3", 1))
            .WithProcessNamespace(100, entries: 2, comm: "vpn\n")
            .WithUdpTable("100/net/nf_conntrack", 53, ("10.8.0.7", 2));

    [Fact]
    public async Task BreaksEachNamespacesTableDownBySourceDestinationAndProtocol()
    {
        using FakeProcTree tree = Tree();

        (int exitCode, string output, string error) = await StatusAsync("--top", "--json", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.True(exitCode is 0, error);
        JsonElement[] breakdowns = [.. JsonDocument.Parse(output).RootElement.GetProperty("breakdowns").EnumerateArray()];
        Assert.Equal(["host", "pid 100 (vpn)"], breakdowns.Select(b => b.GetProperty("namespace").GetString()));
        JsonElement host = breakdowns[0].GetProperty("table");
        Assert.Equal(10, host.GetProperty("entries").GetInt64());
        Assert.Equal(10, host.GetProperty("unreplied").GetInt64());
        Assert.Equal([("127.0.0.1", 6L), ("127.0.0.2", 3L), ("127.0.0.3", 1L)], Lines(host, "sources"));
        Assert.Equal([("udp", 10L)], Lines(host, "protocols"));
        Assert.All(host.GetProperty("sources").EnumerateArray(), s => Assert.True(s.GetProperty("exact").GetBoolean()));
        Assert.Equal(tree.PathOf(FakeProcTree.ModernTable), host.GetProperty("source").GetString());
        Assert.Equal([("10.8.0.7", 2L)], Lines(breakdowns[1].GetProperty("table"), "sources"));
        Assert.Equal([("127.0.0.1:53/udp", 1L), ("127.0.0.1:54/udp", 1L)], Lines(breakdowns[1].GetProperty("table"), "destinations").Order());
    }

    [Fact]
    public async Task OneNamespaceByItsNameAndTheTextForAPerson()
    {
        using FakeProcTree tree = Tree();

        (int exitCode, string output, _) = await StatusAsync("--namespace", "pid 100 (vpn)", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"\nbreakdown of pid 100 \(vpn\) \(ns \d+\): 2 entries, read in [0-9.]+ s from .*/100/net/nf_conntrack\n", output);
        Assert.Contains("  sources:       10.8.0.7 2\n", output, StringComparison.Ordinal);
        Assert.Contains("  unreplied udp: by destination port: 53 1, 54 1\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("breakdown of host", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BreakdownTopSetsHowManyLinesEachListShows()
    {
        using FakeProcTree tree = Tree();

        (_, string output, _) = await StatusAsync("--top", "--json", "--Conntrack:BreakdownTop=2", $"--Conntrack:ProcRoot={tree.Root}");

        JsonElement host = JsonDocument.Parse(output).RootElement.GetProperty("breakdowns")[0].GetProperty("table");
        Assert.Equal([("127.0.0.1", 6L), ("127.0.0.2", 3L)], Lines(host, "sources"));
        Assert.Equal(2, host.GetProperty("destinations").GetArrayLength());
    }

    [Fact]
    public async Task ANamespaceWithNoEntriesIsNotBrokenDownUnlessAskedForAndThatIsSaid()
    {
        using FakeProcTree tree = Tree().WithProcessNamespace(200, entries: 0, comm: "idle\n").WithUdpTable("200/net/nf_conntrack", 1);

        (_, string output, _) = await StatusAsync("--top", "--json", $"--Conntrack:ProcRoot={tree.Root}");
        (_, string asked, _) = await StatusAsync("--top", "--json", "--namespace", "pid 200 (idle)", $"--Conntrack:ProcRoot={tree.Root}");

        JsonElement report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(["host", "pid 100 (vpn)"], report.GetProperty("breakdowns").EnumerateArray().Select(b => b.GetProperty("namespace").GetString()));
        Assert.Equal("1 namespaces with no entries", report.GetProperty("breakdownsLeftOut").GetString());
        Assert.Equal(["pid 200 (idle)"], JsonDocument.Parse(asked).RootElement.GetProperty("breakdowns").EnumerateArray().Select(b => b.GetProperty("namespace").GetString()));
    }

    [Fact]
    public async Task OverEveryNamespaceNoTableIsBegunAfterTheTimeLimitAndThatIsSaid()
    {
        using FakeProcTree tree = Tree()
            .WithProcessNamespace(200, entries: 2, comm: "a\n").WithUdpTable("200/net/nf_conntrack", 60, ("10.8.0.8", 2))
            .WithProcessNamespace(300, entries: 2, comm: "b\n").WithUdpTable("300/net/nf_conntrack", 70, ("10.8.0.9", 2));
        // Every look at the clock takes 20 s: the first namespace is begun at 20 s, none after 30 s.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var probe = new ConntrackWatch.Status.StatusProbe(new ConntrackWatch.Configuration.ConntrackOptions { ProcRoot = tree.Root }, time);
        time.AutoAdvanceAmount = TimeSpan.FromSeconds(20);

        ConntrackWatch.Status.StatusReport report = await probe.ProbeAsync(false, TestContext.Current.CancellationToken, top: true);

        Assert.Equal(2, report.Breakdowns!.Count); // the host's and one namespace's
        Assert.Equal("2 more, as status --top begins no table after 30 s (name one with --namespace)", report.BreakdownsLeftOut);
    }

    [Fact]
    public async Task AnUnknownNamespaceSaysWhichThereAre()
    {
        using FakeProcTree tree = Tree();

        (int exitCode, string output, _) = await StatusAsync("--top", "--namespace=nope", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(3, exitCode);
        Assert.StartsWith("state:           UNKNOWN\nproblem:         no namespace is named nope; status lists: host, pid 100 (vpn)\n", output, StringComparison.Ordinal);
        Assert.Contains("breakdown of nope: UNKNOWN: no namespace is named nope; status lists: host, pid 100 (vpn)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingTableIsAProblemNamingTheFile()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 1000);

        (_, string output, _) = await StatusAsync("--top", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Contains($"breakdown of host: UNKNOWN: {tree.PathOf(FakeProcTree.ModernTable)}", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--namespace")]
    [InlineData("--namespace", "--json")]
    [InlineData("--namespace=")]
    public async Task ANamespaceFlagWithoutItsValueSaysItNeedsOne(params string[] args)
    {
        (int exitCode, _, string error) = await StatusAsync(args);

        Assert.Equal(64, exitCode);
        Assert.StartsWith("conntrackwatch: --namespace needs a value: a namespace's name as status lists it, or its inode.\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownFlagIsAUsageError()
    {
        (int exitCode, _, string error) = await StatusAsync("--topp");

        Assert.Equal(64, exitCode);
        Assert.StartsWith("conntrackwatch: unknown argument '--topp'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpPrintsTheUsageAndSucceeds()
    {
        (int exitCode, string output, string error) = await StatusAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("Usage: conntrackwatch", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task AttributesTheHostsEntriesToTheNamespaceThatOwnsEachAddressByItsSourceElseItsReplysSource()
    {
        const string Container = "0::/system.slice/docker-a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2.scope\n";
        static string Trie(string address) => $"Local:\n  +-- 0.0.0.0/0 3 0 5\n     |-- {address}\n        /32 host LOCAL\n";
        static string Udp(string source, string destination, string replySource, int port) =>
            $"ipv4     2 udp      17 29 src={source} dst={destination} sport=40000 dport={port} [UNREPLIED] src={replySource} dst={source} sport={port} dport=40000 mark=0 zone=0 use=2\n";
        var table = new System.Text.StringBuilder();
        foreach ((string source, string destination, string replySource, int entries) in (ReadOnlySpan<(string, string, string, int)>)
        [
            ("172.17.0.2", "192.0.2.53", "192.0.2.53", 100), // the container's own
            ("203.0.113.9", "192.0.2.2", "172.17.0.2", 60), // a DNAT to it: its address only in the reply
            ("192.0.2.2", "198.51.100.1", "198.51.100.1", 30), // the host's
            ("127.0.0.1", "127.0.0.1", "127.0.0.1", 10), // the host's loopback, though no fib_trie lists it
            ("198.51.100.66", "203.0.113.50", "203.0.113.50", 20), // forwarded, claimed only by a user's own namespace: nobody's
        ])
        {
            for (int i = 0; i < entries; i++)
            {
                table.Append(Udp(source, destination, replySource, 1000 + i));
            }
        }

        using FakeProcTree tree = FakeProcTree.Modern(count: 220, max: 1000)
            .Write(FakeProcTree.ModernTable, table.ToString())
            .Write("net/fib_trie", Trie("192.0.2.2"))
            .WithProcessNamespace(100, entries: 0, cgroup: Container)
            .Write("100/net/fib_trie", Trie("172.17.0.2"))
            .WithProcessNamespace(200, entries: 0, comm: "sh\n", uidMap: "0 65534 1")
            .Write("200/net/fib_trie", Trie("198.51.100.66"));

        (int exitCode, string output, string error) = await StatusAsync("--top", "--json", "--namespace", "host", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.True(exitCode is 0 or 2, error);
        JsonElement host = JsonDocument.Parse(output).RootElement.GetProperty("breakdowns")[0].GetProperty("table");
        Assert.Equal(
            [("container a1b2c3d4e5f6", "Container", 160L), ("host", "Host", 40L), ("unknown", "Unknown", 20L)],
            host.GetProperty("owners").EnumerateArray().Select(o => (
                o.GetProperty("owner").GetProperty("name").GetString()!, o.GetProperty("owner").GetProperty("kind").GetString()!, o.GetProperty("count").GetInt64())));
        Assert.Equal(tree.NamespaceInodeOf(100), host.GetProperty("owners")[0].GetProperty("owner").GetProperty("inode").GetInt64());
        JsonElement top = host.GetProperty("sources")[0];
        Assert.Equal(("172.17.0.2", 100L, "container a1b2c3d4e5f6"), (top.GetProperty("key").GetString(), top.GetProperty("count").GetInt64(), top.GetProperty("owner").GetProperty("name").GetString()));

        (_, string text, _) = await StatusAsync("--top", "--namespace", "host", $"--Conntrack:ProcRoot={tree.Root}");
        Assert.Contains("  owners:        container a1b2c3d4e5f6 160, host 40, unknown 20\n", text, StringComparison.Ordinal);
        Assert.Contains("  sources:       172.17.0.2 (container a1b2c3d4e5f6) 100, 203.0.113.9 60, 192.0.2.2 (host) 30, 198.51.100.66 20, 127.0.0.1 (host) 10\n", text, StringComparison.Ordinal);
        Assert.Contains("container a1b2c3d4e5f6 holds 72.7% of the table (160 of 220 entries", text, StringComparison.Ordinal);
    }

    private static (string, long)[] Lines(JsonElement table, string list) =>
        [.. table.GetProperty(list).EnumerateArray().Select(l => (l.GetProperty("key").GetString()!, l.GetProperty("count").GetInt64()))];
}
