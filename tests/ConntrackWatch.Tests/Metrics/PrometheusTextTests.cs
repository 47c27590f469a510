using System.Text.RegularExpressions;
using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel.Reading;
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
        RaiseOutcome.NotRaised,
        2,
        1,
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
            Verdict = Verdict.HostOnly(HostDecision with { Trend = Trend.None }),
        };

        string text = PrometheusText.Render(unknown);

        Assert.Contains("conntrackwatch_memory_ceiling_entries NaN\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_kernel_drop_total NaN\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_seconds_to_full +Inf\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void GivesTheFullestNamespacesTheirOwnSeriesUpToTheLimitTheHostAlwaysAmongThem()
    {
        string text = PrometheusText.Render(WithNamespaces(("web", 700, 3), ("db", 300, 0), ("idle", 0, 0)), namespaceSeries: 3);

        Assert.Contains("conntrackwatch_entries_all_namespaces 2234\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_namespaces 4\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE conntrackwatch_namespace_entries gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_namespace_entries{namespace=\"host\",inode=\"4026531833\"} 1234\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_namespace_entries{namespace=\"web\",inode=\"4026532001\"} 700\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_namespace_entries{namespace=\"db\",inode=\"4026532002\"} 300\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("namespace=\"idle\"", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_namespace_table_full_drops_total{namespace=\"web\",inode=\"4026532001\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_namespace_table_full_drops_total{namespace=\"host\",inode=\"4026531833\"} 415\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EscapesNamespaceNamesAsTheExpositionFormatSays()
    {
        // A line feed is escaped where the name is made (\x0a); the label escapes the backslash of that too.
        string text = PrometheusText.Render(WithNamespaces(("a\"b\\c\nd", 5, 0)));

        Assert.Contains("{namespace=\"a\\\"b\\\\c\\\\x0ad\",inode=\"4026532001\"} 5\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLimitBoundsTheSeriesWhateverTheNumberOfNamespacesAndTheBufferHoldsItsLongestNames()
    {
        var many = Enumerable.Range(0, 5000).Select(i => (new string('x', 300) + i, (long)i, 0L)).ToArray();
        byte[] buffer = new byte[PrometheusText.BufferSize];

        string text = System.Text.Encoding.UTF8.GetString(buffer, 0, PrometheusText.Render(WithNamespaces(many), buffer, MetricsOptions.MaxNamespaceSeries));

        Assert.Equal(MetricsOptions.MaxNamespaceSeries, text.Split('\n').Count(l => l.StartsWith("conntrackwatch_namespace_entries{", StringComparison.Ordinal)));
    }

    [Fact]
    public void NamespacesThatWouldShareEveryLabelAreToldApartByTheirStatFilesInode()
    {
        // What the hardened unit sees of two namespaces of one cgroup: one name, no inode.
        string text = PrometheusText.Render(WithReadings(
            new NamespaceReading(new FileIdentity(11, 1), "unit web.service", null, 7, default),
            new NamespaceReading(new FileIdentity(12, 1), "unit web.service", null, 3, default),
            new NamespaceReading(new FileIdentity(13, 1), "host", null, 2, default),
            new NamespaceReading(new FileIdentity(14, 1), "unit db.service", null, 1, default)));

        string[] series = [.. text.Split('\n').Where(l => l.StartsWith("conntrackwatch_namespace_entries{", StringComparison.Ordinal))];
        Assert.Equal(
        [
            "conntrackwatch_namespace_entries{namespace=\"host\",inode=\"4026531833\"} 1234",
            "conntrackwatch_namespace_entries{namespace=\"unit web.service #11\",inode=\"\"} 7",
            "conntrackwatch_namespace_entries{namespace=\"unit web.service #12\",inode=\"\"} 3",
            "conntrackwatch_namespace_entries{namespace=\"host\",inode=\"\"} 2", // the inode tells it from the host's
            "conntrackwatch_namespace_entries{namespace=\"unit db.service\",inode=\"\"} 1",
        ], series);
    }

    [Fact]
    public void ALabelKeepsCharactersOutsideTheBmpWholeAndIsBoundedInBytesBetweenCharacters()
    {
        string text = PrometheusText.Render(WithNamespaces(("\U0001F600 web", 5, 0), (new string('\u00e9', 150), 4, 0)));

        Assert.Contains("{namespace=\"\U0001F600 web\",", text, StringComparison.Ordinal);
        string cut = text.Split('\n').First(l => l.Contains('\u00e9', StringComparison.Ordinal) && l.StartsWith("conntrackwatch_namespace_entries", StringComparison.Ordinal));
        string label = cut[(cut.IndexOf('"', StringComparison.Ordinal) + 1)..cut.IndexOf("\",inode", StringComparison.Ordinal)];
        Assert.Equal(new string('\u00e9', 94) + "…", label); // 94 x 2 bytes + the 3-byte mark: 191 of 192
        Assert.DoesNotContain('\uFFFD', text);
    }

    private static PollReport WithNamespaces(params (string Name, long Count, long Drops)[] namespaces) =>
        WithReadings([.. namespaces.Select((n, i) => new NamespaceReading(
            new FileIdentity((ulong)i + 1, 1), n.Name, 4026532001 + i, n.Count, new ConntrackCounters(n.Drops, 0, 0, null)))]);

    private static PollReport WithReadings(params NamespaceReading[] others)
    {
        KernelReading reading = Reading with { Namespaces = new NamespaceSet([.. others], 4026531833, [], null) };
        var windows = new NamespaceWindows(2);
        Verdict verdict = windows.AddAndDecide(reading, 0, new PolicySettings(60, 2.0, TimeSpan.Zero));
        return Snapshot with { Reading = reading, Verdict = verdict };
    }

    [GeneratedRegex(@"^([a-z_]+) (NaN|\+Inf|-?[0-9.]+(E[+-]?[0-9]+)?)$")]
    private static partial Regex SampleLine();
}
