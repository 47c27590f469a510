using System.Text.Json;
using System.Text.RegularExpressions;
using ConntrackWatch.Tests.Support.RealKernel;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// The built binary inside a network namespace of its own, against the real kernel: real entries made with
/// nftables and loopback UDP, the real per-CPU counters, the real read-only sysctls of a non-initial namespace.
/// Every namespace and sysctl is removed or restored whatever the outcome.
/// </summary>
[Collection(SerialTests.Name)]
public sealed partial class NetworkNamespaceTests
{
    private const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";

    private static void RequireKernel()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
    }

    private static async Task<JsonElement> StatusInAsync(NetworkNamespace ns, params string[] args)
    {
        using var status = DaemonProcess.Start(["status", "--json", .. args], wrapper: ns.Wrapper);
        int exit = await status.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit is >= 0 and <= 3, $"status exited {exit}: {status.Error}");
        return JsonDocument.Parse(status.Output).RootElement.Clone();
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(50_000)]
    public async Task CountsRealEntriesExactlyWithEveryCountSource(int flows)
    {
        RequireKernel();
        using var ns = new NetworkNamespace();

        ns.CreateUdpFlows(flows);

        // The kernel's own count is the oracle; now and then one datagram's insert clashes and makes no entry.
        long kernel = ns.KernelCount();
        Assert.InRange(kernel, flows * 99L / 100, flows);
        foreach (string source in new[] { "Auto", "CountFile", "Table" })
        {
            JsonElement report = await StatusInAsync(ns, $"--Conntrack:CountSource={source}");
            Assert.Equal(kernel, report.GetProperty("count").GetInt64());
        }

        Assert.Equal(kernel, long.Parse(ns.Exec("conntrack", "-C").Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("Netlink", "ctnetlink")]
    [InlineData("File", "/proc/net/stat/nf_conntrack")]
    public async Task ReadsTheSamePerCpuCountersAsConntrackMinusS(string source, string expectedSource)
    {
        RequireKernel();
        Prerequisite.RequireExecutable("conntrack");
        if (source == "File")
        {
            Prerequisite.Require(File.Exists("/proc/net/stat/nf_conntrack"), "needs CONFIG_NF_CONNTRACK_PROCFS");
        }

        using var ns = new NetworkNamespace();
        ns.CreateUdpFlows(200);

        JsonElement report = await StatusInAsync(ns, $"--Conntrack:StatsSource={source}");
        string oracle = ns.Exec("conntrack", "-S");

        Assert.Equal(expectedSource, report.GetProperty("countersSource").GetString());
        Assert.Equal(Command.SumConntrackStat(oracle, "drop"), report.GetProperty("drop").GetInt64());
        Assert.Equal(Command.SumConntrackStat(oracle, "early_drop"), report.GetProperty("earlyDrop").GetInt64());
        Assert.Equal(Command.SumConntrackStat(oracle, "insert_failed"), report.GetProperty("insertFailed").GetInt64());
        Assert.Equal(Command.SumConntrackStat(oracle, "chaintoolong"), report.GetProperty("chainTooLong").GetInt64());
    }

    [Fact]
    public async Task SeesAndLogsTheKernelsRealDropsWhenTheMaxIsBelowTheFlows()
    {
        RequireKernel();
        Prerequisite.RequireExecutable("conntrack");
        using var ns = new NetworkNamespace();
        // nf_conntrack_max is one limit for every namespace, set in the initial one.
        using var max = new SysctlRestorer(MaxPath);
        using var daemon = DaemonProcess.Start(
            ["--Conntrack:PollInterval=00:00:00.200", "--Conntrack:DryRun=true", "--Conntrack:StatsSource=Netlink"], wrapper: ns.Wrapper);
        await daemon.WaitForErrorTextAsync("Conntrack found");
        max.Set(300);

        ns.CreateUdpFlows(600);
        await daemon.WaitForErrorTextAsync("The kernel dropped");
        max.Dispose();

        string oracle = ns.Exec("conntrack", "-S");
        Assert.True(Command.SumConntrackStat(oracle, "drop") + Command.SumConntrackStat(oracle, "early_drop") >= 300 - 1, oracle);
        Match logged = DropLine().Match(daemon.Error);
        Assert.True(logged.Success, daemon.Error);
        Assert.True(long.Parse(logged.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + long.Parse(logged.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task SaysTheMaxIsNotWritableInThisNamespaceAndKeepsMonitoring()
    {
        RequireKernel();
        using var ns = new NetworkNamespace();
        ns.CreateUdpFlows(6_000);
        long before = long.Parse(File.ReadAllText(MaxPath).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        // 2% of the default max is below 6,000 entries: a raise is due, and refused by the kernel.
        using var notify = new NotifySocket(); // a file socket: reachable from the other network namespace
        using var daemon = DaemonProcess.Start(
            ["--Conntrack:PollInterval=00:00:00.200", "--Conntrack:HighWaterPercent=2", "--Conntrack:RaiseMultiplier=60"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.EnvironmentValue },
            wrapper: ns.Wrapper);
        await daemon.WaitForErrorTextAsync("not writable in this network namespace");
        notify.ReceivePolls(5); // five more polls met the refusal again

        Assert.False(daemon.HasExited, daemon.Error);
        Assert.Contains("Only the host's initial network namespace can change nf_conntrack_max", daemon.Error, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(daemon.Error, "Cannot write"));
        Assert.Equal(before, long.Parse(File.ReadAllText(MaxPath).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [GeneratedRegex(@"The kernel dropped (\d+) packets \(table full\) and evicted (\d+) entries")]
    private static partial Regex DropLine();
}
