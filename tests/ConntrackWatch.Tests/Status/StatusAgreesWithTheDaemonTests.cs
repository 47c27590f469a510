using System.Globalization;
using System.Text.Json;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Status;

/// <summary>
/// <c>status</c> and the daemon cannot disagree: on the same tree, read the same three times one second apart,
/// <c>status --json --trend</c>'s decision is what the daemon run with DryRun=true logs that it would do.
/// </summary>
public sealed class StatusAgreesWithTheDaemonTests
{
    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["below the mark"] = new(() => FakeProcTree.Modern(count: 10, max: 100), [], "none", 100, 0),
        ["at the mark"] = new(() => FakeProcTree.Modern(count: 60, max: 100), [], "raise", 120, 1),
        ["raise clamped to the ceiling"] = new(
            () => FakeProcTree.Modern(count: 60, max: 100, memTotalKib: 158), [], "raise", 110, 1, ("Conntrack:BytesPerEntry", "1024")),
        ["at the ceiling"] = new(
            () => FakeProcTree.Modern(count: 75, max: 120, memTotalKib: 158), [], "refused-at-ceiling", 120, 2, ("Conntrack:BytesPerEntry", "1024")),
        ["ceiling unknown"] = new(
            () => FakeProcTree.Modern(count: 70, max: 100).Write("meminfo", "MemFree: 12 kB\n"), [], "refused-no-ceiling", 100, 2),
        ["drops growing"] = new(
            () => FakeProcTree.Modern(count: 10, max: 100).WithStat(entries: 10, drop: 4),
            [_ => { }, tree => tree.WithStat(entries: 10, drop: 9)], "raise", 120, 1),
        ["projection"] = new(
            () => FakeProcTree.Modern(count: 10, max: 100),
            [tree => tree.Write(FakeProcTree.ModernCount, "20\n"), tree => tree.Write(FakeProcTree.ModernCount, "30\n")], "raise", 120, 1),
        ["kernel limit"] = new(
            () => FakeProcTree.Modern(count: 1_300_000_000, max: int.MaxValue, memTotalKib: 1L << 40), [], "refused-at-ceiling", int.MaxValue, 2),
        ["max 0"] = new(() => FakeProcTree.Modern(count: 500, max: 0), [], "none", 0, 0),
        ["another namespace at the mark"] = new(
            () => FakeProcTree.Modern(count: 5, max: 1000).WithProcessNamespace(100, entries: 700), [], "raise", 1200, 1),
        ["another namespace dropping"] = new(
            () => FakeProcTree.Modern(count: 5, max: 1000).WithProcessNamespace(100, entries: 10, drop: 4),
            [_ => { }, tree => tree.WithProcessNamespace(100, entries: 10, drop: 9)], "raise", 1200, 1),
        ["the other namespaces leave no room"] = new(
            () => FakeProcTree.Modern(count: 300, max: 1000, memTotalKib: 1000).WithProcessNamespace(100, entries: 650),
            [], "refused-at-ceiling", 1000, 2, ("Conntrack:BytesPerEntry", "1024")),
    };

    public static TheoryData<string> ScenarioNames => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task StatusDecidesWhatTheDryRunDaemonLogs(string name)
    {
        Scenario scenario = Scenarios[name];
        Decision daemon = DryRunDaemon(scenario);

        using FakeProcTree tree = scenario.Tree();
        (int exitCode, string output, string error) = await StatusRun.RunAsync(
            ["--json", "--trend", $"--Conntrack:ProcRoot={tree.Root}", .. scenario.Settings.Select(s => $"--{s.Key}={s.Value}")],
            [.. scenario.Changes.Select(change => (Action)(() => change(tree)))]);

        Assert.True(output.Length > 0, error);
        JsonElement decision = JsonDocument.Parse(output).RootElement.GetProperty("decision");
        var status = new Decision(
            decision.GetProperty("action").GetString()!,
            decision.GetProperty("target").GetInt64(),
            decision.TryGetProperty("reason", out JsonElement reason) ? reason.GetString() : null);
        Assert.Equal(daemon, status);
        Assert.Equal(scenario.Action, status.Action);
        Assert.Equal(scenario.Target, status.Target);
        Assert.Equal(scenario.ExitCode, exitCode);
    }

    /// <summary>What the daemon logs as its decision after the same readings: the last decision it logged.</summary>
    private static Decision DryRunDaemon(Scenario scenario)
    {
        using FakeProcTree tree = scenario.Tree();
        using var harness = new PollHarness(tree, [("Conntrack:DryRun", "true"), .. scenario.Settings]);
        harness.Poll();
        foreach (Action<FakeProcTree> change in scenario.Changes)
        {
            change(tree);
            harness.Time.Advance(TimeSpan.FromSeconds(1));
            harness.Poll();
        }

        FakeLogRecord? logged = harness.Logs.GetSnapshot().LastOrDefault(r =>
            r.Id.Id is LogEvents.DryRunDecision or LogEvents.CeilingAlarm or LogEvents.RaiseRefusedNoCeiling);
        return logged?.Id.Id switch
        {
            LogEvents.DryRunDecision => new("raise", Number(logged, "NewMax"), logged.GetStructuredStateValue("Reason")),
            LogEvents.CeilingAlarm => new("refused-at-ceiling", Number(logged, "ConntrackMax"), logged.GetStructuredStateValue("Reason")),
            LogEvents.RaiseRefusedNoCeiling => new("refused-no-ceiling", Number(logged, "ConntrackMax"), logged.GetStructuredStateValue("Reason")),
            _ => new("none", tree.ReadNumber(FakeProcTree.ModernMax), null),
        };
    }

    private static long Number(FakeLogRecord record, string key) =>
        long.Parse(record.GetStructuredStateValue(key)!, CultureInfo.InvariantCulture);

    /// <summary>The two runs read two trees made alike: their namespaces' inodes differ, and only those.</summary>
    private sealed record Decision(string Action, long Target, string? Reason)
    {
        public string? Reason { get; } = Reason is null ? null : System.Text.RegularExpressions.Regex.Replace(Reason, @"\(ns \d+\)", "(ns N)");
    }

    /// <param name="Changes">Applied between the three readings (none: the tree stays as it is).</param>
    private sealed record Scenario(
        Func<FakeProcTree> Tree, Action<FakeProcTree>[] Changes, string Action, long Target, int ExitCode, params (string Key, string Value)[] Settings)
    {
        public Action<FakeProcTree>[] Changes { get; } = Changes.Length > 0 ? Changes : [_ => { }, _ => { }];
    }
}
