using System.Text.Json;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Status;

/// <summary><c>status --top</c> on test trees, read from their table files (the fallback where netlink is refused).</summary>
public sealed class StatusTopTests
{
    private static async Task<(int ExitCode, string Output, string Error)> StatusAsync(params string[] args)
    {
        await using var daemon = InProcessDaemon.StartWithArgs(["status", .. args]);
        int exitCode = await daemon.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return (exitCode, daemon.Output.ToString(), daemon.Error.ToString());
    }

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

    private static (string, long)[] Lines(JsonElement table, string list) =>
        [.. table.GetProperty(list).EnumerateArray().Select(l => (l.GetProperty("key").GetString()!, l.GetProperty("count").GetInt64()))];
}
