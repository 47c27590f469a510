using System.Text.Json;
using System.Text.RegularExpressions;
using ConntrackWatch.Tests.Support.RealKernel;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// What an unprivileged user can do to the daemon, done for real: nobody makes a network namespace of its own
/// (unshare -rn), fills it with flows and names its process with control bytes. Names reach systemd, the log and
/// a terminal escaped, and nobody's namespace does not move the host-wide maximum unless Conntrack:RaiseFor=All.
/// The real max is lowered to 1000 for the test and restored whatever happens.
/// </summary>
[Collection(SerialTests.Name)]
public sealed partial class UnprivilegedUserTests
{
    private const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";

    // Fifteen bytes, the most a comm holds: a line of its own for sd_notify, and a priority prefix for journald's stream.
    private const string Injecting = "\nSTOPPING=1\n<0>";
    private const string InjectingEscaped = @"\x0aSTOPPING=1\x0a<0>";

    private static SysctlRestorer QuietHostWithMaxOf(long max)
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        Prerequisite.Require(File.Exists("/proc/net/stat/nf_conntrack"), "needs CONFIG_NF_CONNTRACK_PROCFS (namespaces are read through their stat file)");
        long hostCount = long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_count").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Prerequisite.Require(hostCount < 300, $"needs a quiet host namespace (it holds {hostCount} entries)");
        var restorer = new SysctlRestorer(MaxPath);
        restorer.Set(max);
        return restorer;
    }

    private static DaemonProcess Daemon(TempDirectory runtime, NotifySocket? notify, params string[] args) => DaemonProcess.Start(
        ["--Conntrack:PollInterval=00:00:00.200", "--Conntrack:DryRun=true", "--Journald:Enabled=false", "--Conntrack:StateDirectory=", .. args],
        notify is null
            ? new Dictionary<string, string> { ["RUNTIME_DIRECTORY"] = runtime.Path }
            : new Dictionary<string, string> { ["RUNTIME_DIRECTORY"] = runtime.Path, ["NOTIFY_SOCKET"] = notify.EnvironmentValue });

    [Fact]
    public async Task ANameWithALineOfItsOwnAddsNoAssignmentToTheNotifyDatagramAndNobodysNamespaceRaisesNothing()
    {
        using SysctlRestorer max = QuietHostWithMaxOf(1000);
        using var attacker = new UnprivilegedNamespace(Injecting, flows: 700);
        Assert.True(attacker.KernelCount() >= 600, $"nobody's namespace passed the mark: {attacker.KernelCount()}");
        using var runtime = new TempDirectory();
        using var notify = new NotifySocket();

        using (DaemonProcess daemon = Daemon(runtime, notify))
        {
            var datagrams = new List<string>();
            while (datagrams.Count(d => d.Contains("STATUS=", StringComparison.Ordinal)) < 6)
            {
                datagrams.Add(notify.Receive());
            }

            // Every line is an assignment the daemon means; nobody's name is one value, escaped, the fullest.
            Assert.All(datagrams.SelectMany(d => d.Split('\n')), line => Assert.Matches("^(READY=1|STATUS=.*)$", line));
            Assert.Contains(datagrams, d => d.Contains($"fullest: user 65534: pid {attacker.Pid} ({InjectingEscaped}) (ns ", StringComparison.Ordinal));
            daemon.Signal(DaemonProcess.Sigterm);
            Assert.Equal(0, await daemon.WaitForExitAsync());
            Assert.DoesNotContain("would raise", daemon.Error, StringComparison.Ordinal);
        }

        Assert.Equal(1000, max.Current);
    }

    [Fact]
    public async Task WithRaiseForAllNobodysNamespaceRaisesAndTheLogLineNamingItStaysOneLine()
    {
        using SysctlRestorer max = QuietHostWithMaxOf(1000);
        using var attacker = new UnprivilegedNamespace(Injecting, flows: 700);
        using var runtime = new TempDirectory();

        using DaemonProcess daemon = Daemon(runtime, null, "--Conntrack:RaiseFor=All");
        await daemon.WaitForErrorTextAsync("Dry run: would raise nf_conntrack_max from 1000 to 1200");
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());

        string[] lines = daemon.Error.TrimEnd('\n').Split('\n');
        string wouldRaise = Assert.Single(lines, l => l.Contains("would raise", StringComparison.Ordinal));
        Assert.Contains($"user 65534: pid {attacker.Pid} ({InjectingEscaped}) (ns ", wouldRaise, StringComparison.Ordinal);
        Assert.All(lines, line => Assert.Matches(LogLine(), line)); // no line but the daemon's own, none at <0>
    }

    [Fact]
    public async Task StatusPrintsAHostileNameWithoutAControlByteAndNobodysFullTableDoesNotCountAsCritical()
    {
        using SysctlRestorer max = QuietHostWithMaxOf(1000);
        // Retitles the window, rings, clears the screen: what a raw name did to root's terminal.
        const string Terminal = "\u001b]0;pwn\u0007\u001b[2J\u202e";
        using var attacker = new UnprivilegedNamespace(Terminal, flows: 950);
        Assert.True(attacker.KernelCount() >= 900, $"nobody's namespace is over 90% full: {attacker.KernelCount()}");
        string setpriv = Prerequisite.RequireExecutable("setpriv");
        using TempDirectory binary = DaemonProcessTests.BinaryForNobody();

        // As the hardened unit sees it, another uid than the namespace's owner: no ptrace access, so neither the
        // namespace's inode nor its owning user namespace; the owner told by the process's uid map.
        using var status = DaemonProcess.Start(
            ["status"],
            new Dictionary<string, string> { ["HOME"] = "/tmp" },
            wrapper: [setpriv, "--reuid=65533", "--regid=65533", "--clear-groups"],
            binary: Path.Combine(binary.Path, "conntrackwatch"));
        int exit = await status.WaitForExitAsync(TimeSpan.FromSeconds(60));

        string output = status.Output;
        Assert.Equal(0, exit);
        Assert.DoesNotContain(output, c => char.IsControl(c) && c != '\n');
        Assert.DoesNotContain('\u202e', output);
        string line = Assert.Single(output.Split('\n'), l => l.StartsWith($"  user 65534: pid {attacker.Pid} ", StringComparison.Ordinal));
        Assert.StartsWith($@"  user 65534: pid {attacker.Pid} (\x1b]0;pwn\x07\x1b[2J\u202e): ", line, StringComparison.Ordinal);
        Assert.EndsWith($": {attacker.KernelCount()} of max 1000 ({attacker.KernelCount() / 10.0:0.0}%), drops 0, CRITICAL, owned by a user: not counted", line, StringComparison.Ordinal);
        Assert.StartsWith("state:           OK\n", output, StringComparison.Ordinal);

        // As root, exactly (NS_GET_USERNS); and counted once an admin opts in.
        using var all = DaemonProcess.Start(["status", "--json", "--Conntrack:RaiseFor=All"]);
        Assert.Equal(2, await all.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        JsonElement listed = JsonDocument.Parse(all.Output).RootElement.GetProperty("namespaces").EnumerateArray()
            .Single(n => n.GetProperty("name").GetString()!.StartsWith($"user 65534: pid {attacker.Pid} ", StringComparison.Ordinal));
        Assert.Equal("user", listed.GetProperty("owner").GetString());
        Assert.True(listed.GetProperty("counted").GetBoolean());
        Assert.Equal(@"user 65534: pid " + attacker.Pid + @" (\x1b]0;pwn\x07\x1b[2J\u202e)", listed.GetProperty("name").GetString());
    }

    [Fact]
    public async Task AContainerScopeInADirectoryAUserOwnsIsNamedAfterTheUserNotAsAContainer()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        // Where Docker puts a container, but chowned to nobody, as a delegated subtree is: nobody could have made it.
        string id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var scope = new RealCgroup($"/system.slice/docker-{id}.scope");
        using var attacker = new UnprivilegedNamespace("sh", flows: 5);
        scope.Move(attacker.Pid);
        Assert.Contains($"0::{scope.CgroupPath}\n", File.ReadAllText($"/proc/{attacker.Pid}/cgroup"), StringComparison.Ordinal);

        scope.ChownTo(65534);
        Assert.Equal($"user 65534: pid {attacker.Pid} (sh)", await NameOfAsync(attacker));

        scope.ChownTo(0); // root's, as the runtime makes it: now believed
        Assert.Equal($"container {id[..12]}", await NameOfAsync(attacker));
    } // the process ends before its cgroup is removed

    private static async Task<string> NameOfAsync(UnprivilegedNamespace attacker)
    {
        using var status = DaemonProcess.Start(["status", "--json"]);
        Assert.InRange(await status.WaitForExitAsync(TimeSpan.FromSeconds(60)), 0, 2);
        return JsonDocument.Parse(status.Output).RootElement.GetProperty("namespaces").EnumerateArray()
            .Single(n => n.GetProperty("count").GetInt64() == attacker.KernelCount() && n.GetProperty("owner").GetString() == "user")
            .GetProperty("name").GetString()!;
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]{3} ")]
    private static partial Regex LogLine();
}
