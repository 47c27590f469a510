using System.Text.Json;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Status;

/// <summary><c>status</c> says who else sets the max, and when it is below what ConntrackWatch raised it to.</summary>
public sealed class StatusMaxWritersTests
{
    private static Task<(int ExitCode, string Output, string Error)> StatusAsync(params string[] args) => InProcessDaemon.StatusAsync(args);

    [Fact]
    public async Task ShowsAMaxBelowTheLearnedOneAndTheSysctlDLineThatSetsIt()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        using var root = new TempDirectory();
        Directory.CreateDirectory(root.Combine("etc/sysctl.d"));
        File.WriteAllText(root.Combine("etc/sysctl.d/90-conntrack.conf"), "net.netfilter.nf_conntrack_max = 100\n");
        File.WriteAllText(root.Combine("learned-max"), "max=150\nlearned=2026-11-30T10:00:00Z\n");
        string[] args = [$"--Conntrack:ProcRoot={tree.Root}", $"--Conntrack:HostRoot={root.Path}", $"--Conntrack:StateDirectory={root.Path}"];

        (int exitCode, string json, string error) = await StatusAsync(["--json", .. args]);
        (_, string text, _) = await StatusAsync(args);

        Assert.True(exitCode == 0, error);
        JsonElement report = JsonDocument.Parse(json).RootElement;
        Assert.Equal(150, report.GetProperty("learnedMax").GetInt64());
        Assert.True(report.GetProperty("maxLowered").GetBoolean());
        Assert.Equal(["/etc/sysctl.d/90-conntrack.conf:1 sets 100"], report.GetProperty("maxWriters").EnumerateArray().Select(w => w.GetString()));
        Assert.Contains("max lowered:     100, below the 150 ConntrackWatch raised it to", text, StringComparison.Ordinal);
        Assert.Contains("max also set by: /etc/sysctl.d/90-conntrack.conf:1 sets 100\n", text, StringComparison.Ordinal);
    }
}
