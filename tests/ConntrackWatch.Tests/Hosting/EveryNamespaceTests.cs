using System.Text.Json;
using ConntrackWatch.Logging;
using ConntrackWatch.Tests.Support.RealKernel;
using Serilog.Events;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// Every network namespace, on the real kernel: namespaces made with ip netns, real flows in each (nftables and
/// loopback UDP), read by the built binary and the daemon on the host. Every namespace is deleted and every
/// sysctl restored whatever the outcome.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class EveryNamespaceTests
{
    private const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";

    private static void RequireKernel()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        Prerequisite.Require(File.Exists("/proc/net/stat/nf_conntrack"), "needs CONFIG_NF_CONNTRACK_PROCFS (namespaces are read through their stat file)");
    }

    private static async Task<(int ExitCode, JsonElement Report)> StatusAsync(params string[] args)
    {
        using var status = DaemonProcess.Start(["status", "--json", .. args]);
        int exit = await status.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit is >= 0 and <= 3, $"status exited {exit}: {status.Error}");
        return (exit, JsonDocument.Parse(status.Output).RootElement.Clone());
    }

    // status --json as the hardened unit sees the host: any non-root uid.
    private static async Task<JsonElement> StatusAsNobodyAsync()
    {
        string setpriv = Prerequisite.RequireExecutable("setpriv");
        using TempDirectory binary = DaemonProcessTests.BinaryForNobody();
        using var status = DaemonProcess.Start(
            ["status", "--json"],
            new Dictionary<string, string> { ["HOME"] = "/tmp" },
            wrapper: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"],
            binary: Path.Combine(binary.Path, "conntrackwatch"));
        Assert.InRange(await status.WaitForExitAsync(TimeSpan.FromSeconds(60)), 0, 2);
        return JsonDocument.Parse(status.Output).RootElement.Clone();
    }

    private static JsonElement? Find(JsonElement report, string name) =>
        report.GetProperty("namespaces").EnumerateArray().Where(n => n.GetProperty("name").GetString() == name).Cast<JsonElement?>().FirstOrDefault();

    [Fact]
    public async Task StatusListsEachNamespaceWithItsExactCountAndIpNetnsName()
    {
        RequireKernel();
        using var idle = new NetworkNamespace();
        using var some = new NetworkNamespace();
        using var many = new NetworkNamespace();
        some.CreateUdpFlows(300);
        many.CreateUdpFlows(700);

        (_, JsonElement report) = await StatusAsync();

        // No process is in any of them: each is found through /run/netns, entered, and named after it.
        foreach ((NetworkNamespace ns, long least) in new[] { (idle, 0L), (some, 297L), (many, 693L) })
        {
            JsonElement listed = Find(report, ns.Name) ?? throw new Xunit.Sdk.XunitException($"{ns.Name} is not listed: {report}");
            Assert.Equal(ns.KernelCount(), listed.GetProperty("count").GetInt64());
            Assert.True(listed.GetProperty("count").GetInt64() >= least, listed.ToString()); // a clash may cost a flow or two
            Assert.Equal(ns.Inode, listed.GetProperty("inode").GetInt64());
        }

        string[] order = [.. report.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()!)];
        Assert.True(Array.IndexOf(order, many.Name) < Array.IndexOf(order, some.Name), string.Join(", ", order));
        Assert.True(report.GetProperty("totalEntries").GetInt64() >= many.KernelCount() + some.KernelCount());
    }

    [Fact]
    public async Task TheDaemonRaisesTheRealMaxForTheNamespaceThatReachedTheMarkAndNamesIt()
    {
        RequireKernel();
        using var idle = new NetworkNamespace();
        using var full = new NetworkNamespace();
        using var max = new SysctlRestorer(MaxPath);
        long hostCount = long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_count").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Prerequisite.Require(hostCount < 300, $"needs a quiet host namespace (it holds {hostCount} entries)");
        max.Set(1000);
        full.CreateUdpFlows(700);
        Assert.True(full.KernelCount() >= 600, "the namespace passed the high-water mark");

        await using var daemon = InProcessDaemon.StartWithArgs("--Conntrack:PollInterval=00:00:00.100");
        LogEvent raised = await daemon.Sink.WaitForEventAsync(LogEvents.Raised);

        Assert.Equal(1000, CollectingSink.Number(raised, "OldMax"));
        Assert.Equal(1200, CollectingSink.Number(raised, "NewMax"));
        Assert.Equal(1200, max.Current);
        Assert.Equal(full.Name, Text(raised, "NetnsName"));
        Assert.Equal(full.Inode, CollectingSink.Number(raised, "NetnsInode"));
        Assert.StartsWith($"{full.Name} (ns {full.Inode}): count {full.KernelCount()} reached the high-water mark 600", Text(raised, "Reason"), StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task ANamespaceThatDropsPacketsIsReportedWithItsNameAndDrops()
    {
        RequireKernel();
        Prerequisite.RequireExecutable("conntrack");
        using var dropping = new NetworkNamespace();
        using (var max = new SysctlRestorer(MaxPath))
        {
            max.Set(300);
            dropping.CreateUdpFlows(600);
        }

        long drops = dropping.TableFullDrops();
        Assert.True(drops >= 250, $"the kernel dropped or evicted {drops}");

        (_, JsonElement report) = await StatusAsync();

        JsonElement listed = Find(report, dropping.Name) ?? throw new Xunit.Sdk.XunitException($"{dropping.Name} is not listed: {report}");
        Assert.Equal(drops, listed.GetProperty("drops").GetInt64());
    }

    [Fact]
    public async Task ANamespaceDeletedBetweenTwoPollsSimplyDisappears()
    {
        RequireKernel();
        using var textfile = new TempDirectory();
        using var kept = new NetworkNamespace();
        var doomed = new NetworkNamespace();
        try
        {
            doomed.CreateUdpFlows(50);
            await using var daemon = InProcessDaemon.StartWithArgs(
                "--Conntrack:PollInterval=00:00:00.100", "--Conntrack:DryRun=true", $"--Metrics:TextfilePath={textfile.Path}");
            string metrics = textfile.Combine(ConntrackWatch.Configuration.MetricsOptions.FileName);
            await Eventually.TrueAsync(() => File.Exists(metrics) && File.ReadAllText(metrics).Contains($"namespace=\"{doomed.Name}\"", StringComparison.Ordinal),
                "the namespace has its series");

            doomed.Dispose();
            await Eventually.TrueAsync(() => !File.ReadAllText(metrics).Contains($"namespace=\"{doomed.Name}\"", StringComparison.Ordinal),
                "its series is gone");
            await daemon.WaitForMorePollsAsync(5);

            Assert.Contains($"namespace=\"{kept.Name}\"", File.ReadAllText(metrics), StringComparison.Ordinal);
            Assert.DoesNotContain(daemon.Sink.Events, e => e.Level >= LogEventLevel.Error);
            (_, JsonElement report) = await StatusAsync();
            Assert.Null(Find(report, doomed.Name));
            Assert.NotNull(Find(report, kept.Name));
            Assert.Equal(0, await daemon.StopAsync());
        }
        finally
        {
            doomed.Dispose();
        }
    }

    [Fact]
    public async Task ANamespaceWithAProcessIsReadThroughItAndStillNamedAfterIpNetns()
    {
        RequireKernel();
        using var ns = new NetworkNamespace();
        ns.CreateUdpFlows(40);
        using var sleeper = DaemonProcess.Start(["60"], binary: "sleep", wrapper: ns.Wrapper);

        await Eventually.TrueAsync(() => File.Exists($"/proc/{sleeper.Pid}/net/stat/nf_conntrack"), "the process runs");
        (_, JsonElement report) = await StatusAsync();

        JsonElement listed = Find(report, ns.Name) ?? throw new Xunit.Sdk.XunitException($"{ns.Name} is not listed: {report}");
        Assert.Equal(ns.KernelCount(), listed.GetProperty("count").GetInt64());
        Assert.Equal(1, report.GetProperty("namespaces").EnumerateArray().Count(n => n.TryGetProperty("inode", out JsonElement inode) && inode.GetInt64() == ns.Inode));
        sleeper.Signal(DaemonProcess.Sigterm);
    }

    [Fact]
    public async Task WithoutPrivilegeItReadsNamespacesThroughTheirProcessesAndSaysWhatItCannotSee()
    {
        RequireKernel();
        using var bound = new NetworkNamespace();
        using var withProcess = new NetworkNamespace();
        bound.CreateUdpFlows(20);
        withProcess.CreateUdpFlows(37);
        using var sleeper = DaemonProcess.Start(["60"], binary: "sleep", wrapper: withProcess.Wrapper);
        await Eventually.TrueAsync(() => File.Exists($"/proc/{sleeper.Pid}/net/stat/nf_conntrack"), "the process runs");
        JsonElement report = await StatusAsNobodyAsync();

        // Seen through the root-owned process: its count, but not its inode (that needs ptrace access to it).
        long flows = withProcess.KernelCount();
        JsonElement seen = report.GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("count").GetInt64() == flows);
        Assert.False(seen.TryGetProperty("inode", out _), seen.ToString()); // unknown: left out, as every unknown figure is
        Assert.Null(Find(report, bound.Name));
        string[] unseen = [.. report.GetProperty("unseenNamespaces").EnumerateArray().Select(u => u.GetString()!)];
        Assert.Contains($"{bound.Name} (ns {bound.Inode}): entering it needs CAP_SYS_ADMIN (its count is only visible through a process in it)", unseen);
        sleeper.Signal(DaemonProcess.Sigterm);
    }

    [Fact]
    public async Task WithoutPrivilegeABindMountWithAProcessInItIsMatchedByItsIdNotListedAsNotVisible()
    {
        // A Docker container's namespace: bound under a run directory, a process in it, a veth into it (which is
        // what gives it an id in the host's namespace). The unit sees the process but may not enter the bind
        // mount nor read the process's inode: the id tells it the two are one namespace.
        RequireKernel();
        using var container = new NetworkNamespace();
        string veth = $"cwv{Random.Shared.Next(100_000, 999_999)}";
        Command.RunChecked("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", container.Name);
        container.CreateUdpFlows(23);
        using var sleeper = DaemonProcess.Start(["60"], binary: "sleep", wrapper: container.Wrapper);
        await Eventually.TrueAsync(() => File.Exists($"/proc/{sleeper.Pid}/net/stat/nf_conntrack"), "the process runs");
        JsonElement report = await StatusAsNobodyAsync();

        JsonElement listed = Find(report, container.Name) ?? throw new Xunit.Sdk.XunitException($"{container.Name} is not listed: {report}");
        Assert.Equal(container.KernelCount(), listed.GetProperty("count").GetInt64());
        Assert.Equal(container.Inode, listed.GetProperty("inode").GetInt64()); // the bind mount's, which any user may examine
        Assert.DoesNotContain(report.GetProperty("unseenNamespaces").EnumerateArray(), u => u.GetString()!.StartsWith(container.Name, StringComparison.Ordinal));
        sleeper.Signal(DaemonProcess.Sigterm);
    }

    [Fact]
    public async Task StatusRunInsideANamespaceNamesTheRealHostsAsTheHost()
    {
        RequireKernel();
        using var ns = new NetworkNamespace();
        ns.CreateUdpFlows(12);

        using var status = DaemonProcess.Start(["status", "--json"], wrapper: ns.Wrapper);
        Assert.InRange(await status.WaitForExitAsync(TimeSpan.FromSeconds(60)), 0, 2);
        JsonElement report = JsonDocument.Parse(status.Output).RootElement;

        JsonElement own = Find(report, "this namespace (not the host's)") ?? throw new Xunit.Sdk.XunitException(report.ToString());
        Assert.Equal(ns.KernelCount(), own.GetProperty("count").GetInt64());
        JsonElement host = Find(report, "host") ?? throw new Xunit.Sdk.XunitException(report.ToString());
        if (ConntrackWatch.Kernel.FileIdentity.TryOf("/proc/1/ns/net", out ConntrackWatch.Kernel.FileIdentity init))
        {
            Assert.Equal((long)init.Inode, host.GetProperty("inode").GetInt64()); // where even root may not examine pid 1's, it shows none
        }

        Assert.Equal(2, report.GetProperty("namespaces").EnumerateArray().Count(n => n.GetProperty("name").GetString() is "host" or "this namespace (not the host's)"));
        Assert.DoesNotContain(report.GetProperty("namespaces").EnumerateArray(), n => n.GetProperty("name").GetString()!.Contains("pid 1 (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AScanThatFindsNothingNewAllocatesNothingWithBindMountsAndProcessesInThem()
    {
        // The daemon rescans every 10 s for as long as it runs: ip netns bind mounts, and a process in one of them
        // (met first by its pid, then named after the bind mount), must cost no garbage once they are known.
        RequireKernel();
        using var first = new NetworkNamespace();
        using var second = new NetworkNamespace();
        using var withProcess = new NetworkNamespace();
        using var sleeper = DaemonProcess.Start(["60"], binary: "sleep", wrapper: withProcess.Wrapper);
        await Eventually.TrueAsync(() => File.Exists($"/proc/{sleeper.Pid}/net/stat/nf_conntrack"), "the process runs");
        using var watcher = new ConntrackWatch.Kernel.Namespaces.NamespaceWatcher(TimeProvider.System);

        long perScan = Allocations.OfSteadyState(() => watcher.Read("/proc", TimeSpan.Zero));

        string[] names = [.. watcher.Read("/proc", TimeSpan.Zero).Others.Select(n => n.Name)];
        Assert.Equal(1, names.Count(n => n == first.Name));
        Assert.Equal(1, names.Count(n => n == second.Name));
        Assert.Equal(1, names.Count(n => n == withProcess.Name));
        Assert.Equal(0, perScan);
        sleeper.Signal(DaemonProcess.Sigterm);
    }

    [Fact]
    public async Task TheAddressesOfEveryNamespaceAreKeptWithTheScanFromInsideABindMountAndThroughAProcess()
    {
        // A bind mount no process is in is entered once, when found; its addresses are read again at each scan
        // through the files opened inside it then. A process's namespace, through its /proc/PID/net.
        RequireKernel();
        using var bare = new NetworkNamespace();
        using var withProcess = new NetworkNamespace();
        bare.Exec("ip", "addr", "add", "198.51.100.7/32", "dev", "lo");
        bare.Exec("ip", "-6", "addr", "add", "2001:db8::7/128", "dev", "lo", "nodad");
        withProcess.Exec("ip", "addr", "add", "198.51.100.8/32", "dev", "lo");
        using var sleeper = DaemonProcess.Start(["60"], binary: "sleep", wrapper: withProcess.Wrapper);
        await Eventually.TrueAsync(() => File.Exists($"/proc/{sleeper.Pid}/net/stat/nf_conntrack"), "the process runs");
        using var watcher = new ConntrackWatch.Kernel.Namespaces.NamespaceWatcher(TimeProvider.System);

        ConntrackWatch.Kernel.Namespaces.NamespaceSet first = watcher.Read("/proc", TimeSpan.Zero);
        Assert.Equal(["198.51.100.7", "2001:db8::7"], AddressesOf(first, bare.Name));
        Assert.Equal(["198.51.100.8"], AddressesOf(first, withProcess.Name));

        bare.Exec("ip", "addr", "add", "198.51.100.9/32", "dev", "lo");
        withProcess.Exec("ip", "addr", "del", "198.51.100.8/32", "dev", "lo");
        ConntrackWatch.Kernel.Namespaces.NamespaceSet next = watcher.Read("/proc", TimeSpan.Zero);

        Assert.Equal(["198.51.100.7", "198.51.100.9", "2001:db8::7"], AddressesOf(next, bare.Name));
        Assert.Empty(AddressesOf(next, withProcess.Name));
        sleeper.Signal(DaemonProcess.Sigterm);
    }

    private static string[] AddressesOf(ConntrackWatch.Kernel.Namespaces.NamespaceSet set, string name)
    {
        ConntrackWatch.Kernel.Namespaces.NamespaceReading reading = set.Others.Single(n => n.Name == name);
        Assert.Null(reading.Addresses?.Problem);
        return [.. reading.Addresses!.Addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task StatusUnderALowSoftLimitOnOpenFilesRaisesItAndStillSeesEveryNamespace()
    {
        // A shell's soft limit is often 1,024 and each namespace takes a descriptor: status raises its soft limit
        // towards the hard one, so 80 namespaces under a soft limit of 64 are all read, none "not visible".
        RequireKernel();
        string prlimit = Prerequisite.RequireExecutable("prlimit");
        string prefix = $"cwfd{Environment.ProcessId}x{Random.Shared.Next(1000, 9999)}-";
        string[] names = [.. Enumerable.Range(0, 80).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        try
        {
            foreach (string name in names)
            {
                Command.RunChecked("ip", "netns", "add", name);
            }

            using var status = DaemonProcess.Start(["status", "--json"], wrapper: [prlimit, "--nofile=64:4096"]);
            Assert.InRange(await status.WaitForExitAsync(TimeSpan.FromSeconds(60)), 0, 2);
            JsonElement report = JsonDocument.Parse(status.Output).RootElement;

            Assert.Equal(names.Length, report.GetProperty("namespaces").EnumerateArray().Count(n => n.GetProperty("name").GetString()!.StartsWith(prefix, StringComparison.Ordinal)));
            Assert.False(report.TryGetProperty("unseenNamespaces", out JsonElement unseen) && unseen.GetArrayLength() > 0, $"not visible: {unseen}");
        }
        finally
        {
            foreach (string name in names)
            {
                Command.Run("ip", "netns", "delete", name);
            }
        }
    }

    private static string? Text(LogEvent e, string property) =>
        e.Properties.TryGetValue(property, out LogEventPropertyValue? value) && value is ScalarValue { Value: { } v } ? v.ToString() : null;
}
