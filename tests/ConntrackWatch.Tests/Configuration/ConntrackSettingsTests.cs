using ConntrackWatch.Configuration;
using ConntrackWatch.Logging;

namespace ConntrackWatch.Tests.Configuration;

public sealed class ConntrackSettingsTests
{
    /// <summary>A valid value other than the default for every Conntrack key.</summary>
    private static readonly Dictionary<string, string> OtherValues = new()
    {
        [nameof(ConntrackOptions.PollInterval)] = "00:00:07",
        [nameof(ConntrackOptions.CountSource)] = "Table",
        [nameof(ConntrackOptions.ProcRoot)] = "/nonexistent-proc",
        [nameof(ConntrackOptions.HostRoot)] = "/nonexistent-host",
        [nameof(ConntrackOptions.HighWaterPercent)] = "70",
        [nameof(ConntrackOptions.RaiseMultiplier)] = "3",
        [nameof(ConntrackOptions.MemoryCeilingPercent)] = "50",
        [nameof(ConntrackOptions.BytesPerEntry)] = "400",
        [nameof(ConntrackOptions.CeilingRefreshInterval)] = "00:10:00",
        [nameof(ConntrackOptions.WindowLength)] = "00:02:00",
        [nameof(ConntrackOptions.AlarmRepeatInterval)] = "00:01:00",
        [nameof(ConntrackOptions.DryRun)] = "true",
        [nameof(ConntrackOptions.StatsSource)] = "File",
        [nameof(ConntrackOptions.Lookahead)] = "00:00:30",
        [nameof(ConntrackOptions.ResizeBuckets)] = "false",
        [nameof(ConntrackOptions.EntriesPerBucket)] = "8",
        [nameof(ConntrackOptions.RestoreLearnedMax)] = "false",
        [nameof(ConntrackOptions.StateDirectory)] = "/var/lib/elsewhere",
        [nameof(ConntrackOptions.Namespaces)] = "Host",
        [nameof(ConntrackOptions.NamespaceScanInterval)] = "00:01:00",
        [nameof(ConntrackOptions.RaiseFor)] = "All",
        [nameof(ConntrackOptions.Breakdown)] = "false",
        [nameof(ConntrackOptions.BreakdownTop)] = "20",
    };

    public static TheoryData<string> Keys => [.. OptionsBinding.ConntrackKeys];

    [Fact]
    public void KnowsAnotherValueForEveryKey()
    {
        Assert.Equal(OptionsBinding.ConntrackKeys.Order(), OtherValues.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void TakesUpAChangeOfAnyKeyOnReload(string key)
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100));
        ConntrackOptions before = harness.Settings.Current;

        harness.Reconfigure($"{ConntrackOptions.SectionName}:{key}", OtherValues[key]);

        Assert.NotEqual(before, harness.Settings.Current);
        Assert.Single(harness.Logged(LogEvents.ConfigurationReloaded));
    }

    [Fact]
    public void SaysThatAMetricsJournaldOrLoggingChangeTakesEffectAtTheNextStart()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100));

        harness.Reconfigure("Metrics:TextfilePath", "/var/lib/prometheus/node-exporter");
        harness.Reconfigure("Journald:SyslogIdentifier", "gateway7");
        harness.Reconfigure("Logging:Format", "Json");

        var logged = harness.Logged(LogEvents.ConfigurationNeedsRestart);
        Assert.Equal(3, logged.Count);
        Assert.Contains("Metrics:*", logged[0].Message, StringComparison.Ordinal);
        Assert.Contains("Journald:*, Metrics:*", logged[1].Message, StringComparison.Ordinal);
        Assert.Contains("Journald:*, Metrics:*, Logging:*", logged[2].Message, StringComparison.Ordinal);
        Assert.Empty(harness.Logged(LogEvents.ConfigurationReloaded));
    }

    [Fact]
    public void SaysNothingOfARestartWhenOnlyTheConntrackSectionChanges()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100));

        harness.Reconfigure("Conntrack:HighWaterPercent", "70");

        Assert.Empty(harness.Logged(LogEvents.ConfigurationNeedsRestart));
    }
}
