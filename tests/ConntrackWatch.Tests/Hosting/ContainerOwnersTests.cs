using System.Globalization;
using System.Text.Json;
using ConntrackWatch.Tests.Support.RealKernel;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// Real containers of a dockerd of the test's own, sending UDP to the host's address on their bridge: the host's
/// table tracks those flows, keyed by each container's address, and the shipped binary must say whose they are,
/// by the name Docker gave each container, with the count `conntrack -L` gives for its address.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class ContainerOwnersTests
{
    private const string UdpTimeout = "/proc/sys/net/netfilter/nf_conntrack_udp_timeout";
    private const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";
    private const string CountPath = "/proc/sys/net/netfilter/nf_conntrack_count";

    [Fact]
    public async Task TheHostsBreakdownNamesEachContainerByItsNameWithTheCountConntrackGivesForItsAddress()
    {
        Prerequisite.RequireRealConntrack();
        string conntrack = Prerequisite.RequireExecutable("conntrack");
        string nft = Prerequisite.RequireExecutable("nft");
        using var docker = new DockerDaemon();
        using var timeout = new SysctlRestorer(UdpTimeout);
        timeout.Set(600); // the flows must outlast the test's reading of them
        using var table = new NftTable(nft); // the host's namespace tracks its input from now on
        string suffix = docker.Bridge[4..];
        (string Name, int Flows)[] containers = [($"cw-web-{suffix}", 120), ($"cw-db-{suffix}", 40)];
        var addresses = new Dictionary<string, string>();
        foreach ((string name, int flows) in containers)
        {
            // A TFTP request (UDP, one socket each) to each of `flows` ports of the host, all at once, given up
            // after a few seconds; then the container stays up, its namespace with it.
            addresses[name] = docker.Run(name,
                $"for p in $(seq 20001 {20000 + flows}); do tftp -g -r x {docker.BridgeAddress} $p & done; sleep 5; kill $(jobs -p); exec sleep 600");
        }

        try
        {
            var expected = new Dictionary<string, long>();
            foreach ((string name, int flows) in containers)
            {
                await Eventually.TrueAsync(() => Entries(conntrack, addresses[name]) >= flows, $"{name}'s {flows} flows in the host's table", TimeSpan.FromSeconds(60));
            }

            JsonElement report = await StatusAsync("--top", "--json", $"--Conntrack:HostRoot={docker.HostRoot}");

            foreach ((string name, _) in containers)
            {
                expected[name] = Entries(conntrack, addresses[name]); // read again after: the flows are done, nothing expires within 600 s
            }

            JsonElement host = report.GetProperty("breakdowns").EnumerateArray().Single(b => b.GetProperty("namespace").GetString() == "host").GetProperty("table");
            Dictionary<string, (long Count, string Kind)> owners = host.GetProperty("owners").EnumerateArray().ToDictionary(
                o => o.GetProperty("owner").GetProperty("name").GetString()!,
                o => (o.GetProperty("count").GetInt64(), o.GetProperty("owner").GetProperty("kind").GetString()!));
            foreach ((string name, int flows) in containers)
            {
                Assert.Equal((expected[name], "Container"), owners[$"container {name}"]);
                Assert.Equal(flows, expected[name]);
            }

            // Each container's own namespace is listed by its name too.
            string[] namespaces = [.. report.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()!)];
            Assert.Contains($"container cw-web-{suffix}", namespaces);
            Assert.Contains($"container cw-db-{suffix}", namespaces);

            // As the hardened unit (a user of its own with CAP_NET_ADMIN alone): the same owners and counts, each by
            // its id, as the README says: Docker's records are root's (0710) and not for it to read.
            string setpriv = Prerequisite.RequireExecutable("setpriv");
            using TempDirectory binary = DaemonProcessTests.BinaryForNobody();
            using var unit = DaemonProcess.Start(
                ["status", "--top", "--json", "--namespace", "host", $"--Conntrack:HostRoot={docker.HostRoot}"],
                new Dictionary<string, string> { ["HOME"] = "/tmp" },
                wrapper: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+net_admin", "--ambient-caps=+net_admin"],
                binary: Path.Combine(binary.Path, "conntrackwatch"));
            Assert.InRange(await unit.WaitForExitAsync(TimeSpan.FromSeconds(120)), 0, 3);
            JsonElement seen = JsonDocument.Parse(unit.Output).RootElement.GetProperty("breakdowns")[0].GetProperty("table");
            Dictionary<string, long> unitOwners = seen.GetProperty("owners").EnumerateArray().ToDictionary(
                o => o.GetProperty("owner").GetProperty("name").GetString()!, o => o.GetProperty("count").GetInt64());
            foreach ((string name, _) in containers)
            {
                Assert.Equal(expected[name], unitOwners[$"container {docker.Id(name)[..12]}"]);
            }

            // Under pressure the daemon's own capture says the same: the host's max set just above its count puts
            // the host past the mark (a dry run: nothing is raised), and the captured entry names both containers.
            using var max = new SysctlRestorer(MaxPath);
            long hostCount = long.Parse(File.ReadAllText(CountPath).Trim(), CultureInfo.InvariantCulture);
            max.Set(hostCount * 10 / 7 + 1); // about 70% full
            await using var daemon = InProcessDaemon.StartWithArgs(
                "--Conntrack:PollInterval=00:00:00.100", "--Conntrack:DryRun=true", $"--Conntrack:HostRoot={docker.HostRoot}");
            Serilog.Events.LogEvent captured = await daemon.Sink.WaitForEventAsync(ConntrackWatch.Logging.LogEvents.BreakdownCaptured, TimeSpan.FromSeconds(60));
            string topOwners = captured.Properties["TopOwners"].ToString().Trim('"');
            foreach ((string name, _) in containers)
            {
                Assert.Contains($"container {name} {expected[name]}", topOwners, StringComparison.Ordinal);
            }

            Assert.Equal(0, await daemon.StopAsync());
        }
        finally
        {
            // Their entries were made to last 600 s: none is left in the host's table for the tests after this one.
            foreach (string address in addresses.Values)
            {
                Command.Run(conntrack, "-D", "-s", address);
            }
        }
    }

    [Fact]
    public async Task AsTheHardenedUnitAPodIsNamedFromKubeletsLogDirectory()
    {
        // No cluster runs here: a pod laid out as kubelet lays it, read by a user of its own as the unit is.
        Prerequisite.RequireRoot();
        string setpriv = Prerequisite.RequireExecutable("setpriv");
        const string Uid = "7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8";
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100).WithProcessNamespace(100, entries: 3,
            cgroup: "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod7d9a1b2c_3d4e_5f60_7182_93a4b5c6d7e8.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n");
        using var root = new TempDirectory();
        Directory.CreateDirectory(root.Combine($"var/log/pods/default_api-7c9f_{Uid}/api"));
        DaemonProcessTests.MakeTraversable(tree.Root);
        DaemonProcessTests.MakeTraversable(root.Path);
        using TempDirectory binary = DaemonProcessTests.BinaryForNobody();

        using var unit = DaemonProcess.Start(
            ["status", "--json", $"--Conntrack:ProcRoot={tree.Root}", $"--Conntrack:HostRoot={root.Path}"],
            new Dictionary<string, string> { ["HOME"] = "/tmp" },
            wrapper: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+net_admin", "--ambient-caps=+net_admin"],
            binary: Path.Combine(binary.Path, "conntrackwatch"));
        Assert.InRange(await unit.WaitForExitAsync(TimeSpan.FromSeconds(60)), 0, 3);

        string[] names = [.. JsonDocument.Parse(unit.Output).RootElement.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()!)];
        Assert.Contains("pod default/api-7c9f", names);
    }

    private static long Entries(string conntrack, string source) =>
        Command.Run(conntrack, "-L", "-s", source).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LongLength;

    private static async Task<JsonElement> StatusAsync(params string[] args)
    {
        using var status = DaemonProcess.Start(["status", .. args]);
        int exit = await status.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit is >= 0 and <= 3, $"status exited {exit}: {status.Error}");
        return JsonDocument.Parse(status.Output).RootElement.Clone();
    }
}
