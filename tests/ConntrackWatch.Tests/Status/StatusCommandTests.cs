using System.Text.Json;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Status;

public sealed class StatusCommandTests
{
    private static Task<(int ExitCode, string Output, string Error)> StatusAsync(params string[] args) => InProcessDaemon.StatusAsync(args);

    [Theory]
    [InlineData(10, 100, 0, "ok")]
    [InlineData(60, 100, 1, "warning")]
    [InlineData(89, 100, 1, "warning")]
    [InlineData(90, 100, 2, "critical")]
    public async Task ExitsLikeAMonitoringPlugin(long count, long max, int expectedExit, string expectedState)
    {
        using FakeProcTree tree = FakeProcTree.Modern(count, max);

        (int exitCode, string output, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(expectedExit, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(expectedState, json.RootElement.GetProperty("state").GetString());
        Assert.Equal(count, json.RootElement.GetProperty("count").GetInt64());
        Assert.Equal(max, json.RootElement.GetProperty("max").GetInt64());
    }

    [Fact]
    public async Task IsCriticalWhenARaiseIsNeededButTheMaxIsAtTheCeiling()
    {
        // 158 KiB at 1024 bytes per entry and 70%: a ceiling of 110, below the max of 120.
        using FakeProcTree tree = FakeProcTree.Modern(count: 75, max: 120, memTotalKib: 158);

        (int exitCode, string output, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:BytesPerEntry=1024");

        Assert.Equal(2, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(110, json.RootElement.GetProperty("memoryCeiling").GetInt64());
    }

    [Fact]
    public async Task ReportsEveryFigureAsJson()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1234, max: 262144, memTotalKib: 1024 * 1024);

        (_, string output, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(0.47, root.GetProperty("percent").GetDouble());
        Assert.Equal(157287, root.GetProperty("highWaterMark").GetInt64());
        Assert.Equal(60, root.GetProperty("highWaterPercent").GetInt32());
        Assert.Equal(1024L * 1024 * 1024 * 70 / 100 / (256 + IntPtr.Size), root.GetProperty("memoryCeiling").GetInt64());
        Assert.Equal("Auto", root.GetProperty("countSource").GetString());
        Assert.Equal(tree.PathOf(FakeProcTree.ModernCount), root.GetProperty("countPath").GetString());
        Assert.Equal(FakeProcTree.ModernMax, root.GetProperty("layout").GetString());
    }

    [Fact]
    public async Task PrintsAReadableSummaryForAPerson()
    {
        using FakeProcTree tree = FakeProcTree.Legacy(entries: 30, max: 100);

        (int exitCode, string output, _) = await StatusAsync($"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:CountSource=Table");

        Assert.Equal(0, exitCode);
        Assert.Contains("count:           30 of max 100 (30.0%)", output, StringComparison.Ordinal);
        Assert.Contains("high-water mark: 60 (60% of max)", output, StringComparison.Ordinal);
        Assert.Contains($"count source:    Table ({tree.PathOf(FakeProcTree.LegacyTable)})", output, StringComparison.Ordinal);
        Assert.Contains("layout:          sys/net/ipv4/netfilter/ip_conntrack_max", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitsUnknownWhenConntrackIsUnavailable()
    {
        using FakeProcTree tree = new FakeProcTree().WithMemInfo(1024);

        (int exitCode, string output, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(3, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Contains("modprobe nf_conntrack", json.RootElement.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitsUnknownNamingAMalformedFile()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100).Write(FakeProcTree.ModernMax, "x\n");

        (int exitCode, string output, _) = await StatusAsync($"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(3, exitCode);
        Assert.Contains($"{tree.PathOf(FakeProcTree.ModernMax)}: expected one non-negative integer, found 'x'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HonorsTheConfigurationLayersAndExits78OnInvalidValues()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100);

        (int exitCode, _, string error) = await StatusAsync($"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:HighWaterPercent=100");

        Assert.Equal(78, exitCode);
        Assert.Contains("Conntrack:HighWaterPercent", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadsThisMachinesRealKernel()
    {
        Prerequisite.RequireRealConntrack();

        (int exitCode, string output, _) = await StatusAsync("--json");

        Assert.InRange(exitCode, 0, 2);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal("/proc/sys/net/netfilter/nf_conntrack_max", json.RootElement.GetProperty("maxPath").GetString());
        Assert.True(json.RootElement.GetProperty("memoryCeiling").GetInt64() > 0);
    }

    [Fact]
    public async Task ReportsTheKernelCountersAndTheHashTable()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100).WithStat(drop: 412, earlyDrop: 3).Write(FakeProcTree.ModernBuckets, "25\n");

        (_, string output, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(412, json.RootElement.GetProperty("drop").GetInt64());
        Assert.Equal(3, json.RootElement.GetProperty("earlyDrop").GetInt64());
        Assert.Equal(25, json.RootElement.GetProperty("buckets").GetInt64());
        Assert.Equal(tree.PathOf(FakeProcTree.Stat), json.RootElement.GetProperty("countersSource").GetString());
    }

    [Fact]
    public async Task EstimatesTheTrendFromAFewSecondsOfSamplesWhenAsked()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        Action[] growing = [() => tree.Write(FakeProcTree.ModernCount, "20\n"), () => tree.Write(FakeProcTree.ModernCount, "30\n")];

        (_, string withTrend, _) = await StatusRun.RunAsync(["--json", "--trend", $"--Conntrack:ProcRoot={tree.Root}"], growing);
        (_, string without, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");
        tree.Write(FakeProcTree.ModernCount, "10\n");
        (_, string text, _) = await StatusRun.RunAsync(["--trend", $"--Conntrack:ProcRoot={tree.Root}"], growing);

        using JsonDocument json = JsonDocument.Parse(withTrend);
        Assert.Equal(10, json.RootElement.GetProperty("growthPerSecond").GetDouble());
        Assert.Equal(3, json.RootElement.GetProperty("secondsToHighWaterMark").GetDouble());
        Assert.Equal(7, json.RootElement.GetProperty("secondsToFull").GetDouble());
        Assert.False(JsonDocument.Parse(without).RootElement.TryGetProperty("growthPerSecond", out _));
        Assert.Contains("trend:           growing 10/s: high-water mark in 3 s, full in 7 s", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaysTheTableIsNotGrowingWhenTheReadingsAreFlat()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);

        (_, string text, _) = await StatusRun.RunAsync(["--trend", $"--Conntrack:ProcRoot={tree.Root}"], () => { }, () => { });

        Assert.Contains("trend:           not growing (0/s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsCriticalWhenARaiseIsDueButTheMemoryCeilingCannotBeRead()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 70, max: 100).Write("meminfo", "MemFree: 12 kB\n");

        (int exitCode, string output, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(2, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal("critical", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("refused-no-ceiling", json.RootElement.GetProperty("decision").GetProperty("action").GetString());
    }

    [Fact]
    public async Task WarnsWhenTheKernelDropsPacketsBetweenTheTrendReadings()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100).WithStat(entries: 10, drop: 4);

        (int exitCode, string output, _) = await StatusRun.RunAsync(
            ["--json", "--trend", $"--Conntrack:ProcRoot={tree.Root}"], () => { }, () => tree.WithStat(entries: 10, drop: 9));

        Assert.Equal(1, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement decision = json.RootElement.GetProperty("decision");
        Assert.Equal("raise", decision.GetProperty("action").GetString());
        Assert.Equal("kernel-drops", decision.GetProperty("trigger").GetString());
        Assert.Equal(120, decision.GetProperty("target").GetInt64());
    }

    [Fact]
    public async Task DropsBetweenTheFirstTwoReadingsStillCountAtTheThird()
    {
        // The daemon polling each second would have raised at the second reading: status must not say OK at the third.
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100).WithStat(entries: 10, drop: 4);

        (int exitCode, string output, _) = await StatusRun.RunAsync(
            ["--json", "--trend", $"--Conntrack:ProcRoot={tree.Root}"], () => tree.WithStat(entries: 10, drop: 9), () => { });

        Assert.Equal(1, exitCode);
        JsonElement decision = JsonDocument.Parse(output).RootElement.GetProperty("decision");
        Assert.Equal(("raise", "kernel-drops"), (decision.GetProperty("action").GetString(), decision.GetProperty("trigger").GetString()));
        Assert.StartsWith("the kernel dropped 5 packets or entries", decision.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsCriticalWhenTheMaxIsAtTheKernelsLimit()
    {
        // 1 PiB of memory: the ceiling is far above what the kernel's int allows for nf_conntrack_max.
        using FakeProcTree tree = FakeProcTree.Modern(count: 1_300_000_000, max: int.MaxValue, memTotalKib: 1L << 40);

        (int exitCode, string output, _) = await StatusAsync("--json", $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(2, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal("refused-at-ceiling", json.RootElement.GetProperty("decision").GetProperty("action").GetString());
        Assert.Contains($"already at or above the memory ceiling {int.MaxValue}", json.RootElement.GetProperty("decision").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowsTheDecisionAsTheDaemonWouldLogIt()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 700, max: 1000);

        (int exitCode, string output, _) = await StatusAsync($"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(1, exitCode);
        Assert.Contains("decision:        would raise to 1200: count 700 reached the high-water mark 600 (60% of 1000); raising to 2x the mark", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaysTheProcRootDoesNotExistRatherThanThatTheModuleIsMissing()
    {
        (int exitCode, string output, _) = await StatusAsync("--json", "--Conntrack:ProcRoot=/nonexistent-proc");

        Assert.Equal(3, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal("/nonexistent-proc does not exist: Conntrack:ProcRoot must name where proc is mounted (/proc)", json.RootElement.GetProperty("problem").GetString());
    }
}
