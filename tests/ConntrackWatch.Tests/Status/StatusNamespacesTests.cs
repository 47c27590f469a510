using System.Text.Json;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Status;

public sealed class StatusNamespacesTests
{
    private static async Task<(int ExitCode, string Output)> StatusAsync(params string[] args)
    {
        (int exitCode, string output, _) = await InProcessDaemon.StatusAsync(args);
        return (exitCode, output);
    }

    private static FakeProcTree ThreeNamespaces() =>
        FakeProcTree.Modern(count: 2, max: 1000)
            .WithProcessNamespace(100, entries: 0, comm: "idle\n")
            .WithProcessNamespace(200, entries: 300, cgroup: "0::/lxc.payload.db01/init.scope\n")
            .WithProcessNamespace(300, entries: 700, drop: 4,
                cgroup: "0::/kubepods.slice/kubepods-pod7d9a1b2c_3d4e_5f60_7182_93a4b5c6d7e8.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n");

    [Fact]
    public async Task ListsEveryNamespaceFullestFirstWithItsDecisionAndExitsAsTheWorst()
    {
        using FakeProcTree tree = ThreeNamespaces();

        (int exitCode, string output) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(1, exitCode); // the pod's namespace is past the mark: a raise is due
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(2, root.GetProperty("count").GetInt64()); // the host line as before
        Assert.Equal(1002, root.GetProperty("totalEntries").GetInt64());
        JsonElement[] namespaces = [.. root.GetProperty("namespaces").EnumerateArray()];
        Assert.Equal(
            ["pod 7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8 container 0123456789ab", "lxc db01", "host", "pid 100 (idle)"],
            namespaces.Select(n => n.GetProperty("name").GetString()));
        Assert.Equal([700L, 300L, 2L, 0L], namespaces.Select(n => n.GetProperty("count").GetInt64()));
        Assert.Equal(tree.NamespaceInodeOf(300), namespaces[0].GetProperty("inode").GetInt64());
        Assert.Equal(4, namespaces[0].GetProperty("drops").GetInt64());
        Assert.Equal(70.0, namespaces[0].GetProperty("percent").GetDouble());
        Assert.Equal("raise", namespaces[0].GetProperty("decision").GetProperty("action").GetString());
        Assert.Equal(["warning", "ok", "ok", "ok"], namespaces.Select(n => n.GetProperty("state").GetString()));
        JsonElement decision = root.GetProperty("decision");
        Assert.Equal(1200, decision.GetProperty("target").GetInt64());
        Assert.StartsWith("pod 7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8 container 0123456789ab (ns ", decision.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTextShowsOneLinePerNamespaceAndTheDecisionUnderTheOneThatNeedsIt()
    {
        using FakeProcTree tree = ThreeNamespaces();

        (_, string output) = await StatusAsync($"--Conntrack:ProcRoot={tree.Root}");

        Assert.Contains("namespaces:      4 watched, 1002 entries in all\n", output, StringComparison.Ordinal);
        Assert.Matches(@"\n  pod 7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8 container 0123456789ab \(ns \d+\): 700 of max 1000 \(70\.0%\), drops 4, WARNING\n    would raise to 1200: pod ", output);
        Assert.Contains("\n  host: 2 of max 1000 (0.2%), drops 0, OK\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunInsideANamespaceItCallsPid1sTheHostsAndItsOwnNotTheHosts()
    {
        // The tree's own net is the reader's; pid 1 lives in another namespace: the host's.
        using FakeProcTree tree = FakeProcTree.Modern(count: 2, max: 1000).WithProcessNamespace(1, entries: 40, comm: "systemd\n");

        (_, string output) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(
            [("host", 40L), ("this namespace (not the host's)", 2L)],
            JsonDocument.Parse(output).RootElement.GetProperty("namespaces").EnumerateArray().Select(n => (n.GetProperty("name").GetString(), n.GetProperty("count").GetInt64())));
    }

    [Fact]
    public async Task SaysHowManyNamespacesItCouldNotReadAndWhy()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 2, max: 1000)
            .WithProcessNamespace(100, entries: 950, comm: "hidden\n").WithProcessNamespace(200, entries: 3);
        File.Delete(tree.PathOf($"100/{FakeProcTree.Stat}"));
        Command.RunChecked("mkfifo", tree.PathOf($"100/{FakeProcTree.Stat}"));

        (_, string output) = await StatusAsync($"--Conntrack:ProcRoot={tree.Root}");

        Assert.Contains("namespaces:      2 watched, 1 not visible, 5 entries in all\n", output, StringComparison.Ordinal);
        Assert.Contains($"\n  not visible: pid 100 (hidden) (ns {tree.NamespaceInodeOf(100)}): its stat file ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnprivilegedUsersNamespaceAtNinetyPercentIsShownButCountsOnlyWithRaiseForAll()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 2, max: 1000).WithProcessNamespace(100, entries: 950, uidMap: "0 1000 1");

        (int exitCode, string output) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");
        (int all, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:RaiseFor=All");

        Assert.Equal((0, 2), (exitCode, all));
        JsonElement listed = JsonDocument.Parse(output).RootElement.GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("count").GetInt64() == 950);
        Assert.Equal(("critical", "user", false, "not-acted-on", 1000L), (
            listed.GetProperty("state").GetString(), listed.GetProperty("owner").GetString(), listed.GetProperty("counted").GetBoolean(),
            listed.GetProperty("decision").GetProperty("action").GetString(), listed.GetProperty("decision").GetProperty("target").GetInt64()));
    }

    [Fact]
    public async Task ANamespaceAtNinetyPercentMakesTheWholeStatusCritical()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 2, max: 1000).WithProcessNamespace(100, entries: 950);

        (int exitCode, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(2, exitCode);
    }

    [Fact]
    public async Task HostModeShowsTheHostAloneAsBefore()
    {
        using FakeProcTree tree = ThreeNamespaces();

        (int exitCode, string output) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:Namespaces=Host");

        Assert.Equal(0, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.TryGetProperty("namespaces", out JsonElement list) && list.ValueKind != JsonValueKind.Null);
        Assert.Equal("none", json.RootElement.GetProperty("decision").GetProperty("action").GetString());
    }

    [Fact]
    public async Task AnUnreadableNamespaceIsShownAsUnknownWithTheFile()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 2, max: 1000)
            .WithProcessNamespace(100, entries: 5)
            .Write("100/net/stat/nf_conntrack", "entries drop early_drop insert_failed\n");

        (int exitCode, string output) = await StatusAsync($"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"\n  pid 100 \(sleep\) \(ns \d+\): UNKNOWN: .*100/net/stat/nf_conntrack: no CPU lines after the header\n", output);
    }
}
