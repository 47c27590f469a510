using System.Text.RegularExpressions;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Metrics;
using ConntrackWatch.Service;

namespace ConntrackWatch.Tests.Metrics;

public sealed partial class PrometheusTextTests
{
    private static readonly KernelReading Reading = new(
        new ConntrackLayout("sys/net/netfilter/nf_conntrack_max", "/proc/sys/net/netfilter/nf_conntrack_max", null, null),
        KernelResult.Ok("max", 262144L),
        KernelResult.Ok("count", 1234L),
        KernelResult.Ok("buckets", 65536L),
        KernelResult.Ok("ctnetlink", new ConntrackCounters(412, 3, 1, 0)),
        KernelResult.Ok<MemoryCeiling?>("meminfo", new MemoryCeiling(4194304, 1L << 32, 70, 320, "test")));

    private static readonly RaiseDecision HostDecision =
        new(DecisionKind.None, 1234, 262144, 157287, 262144, 4194304, false, "", RaiseTrigger.None, new Trend(12.5, 100, 20873, 5));

    private static readonly PollReport Snapshot = new(
        PollOutcome.Completed,
        DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_500),
        Reading,
        HostDecision,
        RaiseOutcome.NotRaised,
        2,
        Verdict: Verdict.HostOnly(HostDecision));

    [Fact]
    public void WritesEveryFigureWithHelpAndType()
    {
        string text = PrometheusText.Render(Snapshot);

        Assert.Contains("# HELP conntrackwatch_entries ", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE conntrackwatch_entries gauge\nconntrackwatch_entries 1234\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_max_entries 262144\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_memory_ceiling_entries 4194304\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_high_water_mark_entries 157287\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_buckets 65536\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE conntrackwatch_kernel_drop_total counter\nconntrackwatch_kernel_drop_total 412\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_kernel_early_drop_total 3\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_raises_total 2\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_growth_entries_per_second 12.5\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_seconds_to_full 20873\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_last_poll_timestamp_seconds 1795000000.5\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryMetricLineFollowsItsHelpAndType()
    {
        string[] lines = PrometheusText.Render(Snapshot).TrimEnd('\n').Split('\n');

        Assert.Equal(0, lines.Length % 3);
        for (int i = 0; i < lines.Length; i += 3)
        {
            Match sample = SampleLine().Match(lines[i + 2]);
            Assert.True(sample.Success, lines[i + 2]);
            string name = sample.Groups[1].Value;
            Assert.StartsWith($"# HELP {name} ", lines[i], StringComparison.Ordinal);
            Assert.Matches($"^# TYPE {name} (gauge|counter)$", lines[i + 1]);
        }
    }

    [Fact]
    public void MarksUnknownFiguresAsNaNAndAStillTableAsNeverFull()
    {
        KernelFault fault = KernelResult.Fault(ReadStatus.Denied, "x", "permission denied");
        PollReport unknown = Snapshot with
        {
            Reading = Reading with { Ceiling = fault, Buckets = fault, Counters = fault },
            Decision = HostDecision with { Trend = Trend.None },
            Verdict = Verdict.HostOnly(HostDecision with { Trend = Trend.None }),
        };

        string text = PrometheusText.Render(unknown);

        Assert.Contains("conntrackwatch_memory_ceiling_entries NaN\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_kernel_drop_total NaN\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_seconds_to_full +Inf\n", text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^([a-z_]+) (NaN|\+Inf|-?[0-9.]+(E[+-]?[0-9]+)?)$")]
    private static partial Regex SampleLine();
}
