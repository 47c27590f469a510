using ConntrackWatch.Systemd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ConntrackWatch.Logging;
using ConntrackWatch.Tests.Support;
using Serilog.Events;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>The real host, configuration layers and logging, against temporary /proc trees.</summary>
public sealed class DaemonHostTests
{
    [Fact]
    public async Task RaisesTheMaxOfAModernKernelAndStopsWithExitCodeZero()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        await using var daemon = InProcessDaemon.Start(tree);

        LogEvent raised = await daemon.Sink.WaitForEventAsync(LogEvents.Raised);

        Assert.Equal(120, tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.Equal(LogEventLevel.Warning, raised.Level);
        Assert.Equal(120, CollectingSink.Number(raised, "NewMax"));
        Assert.Equal(0, await daemon.StopAsync());
        Assert.Equal(1, daemon.Sink.Count(LogEvents.Stopping));
    }

    [Fact]
    public async Task RaisesTheMaxOfALegacyKernelByCountingItsTable()
    {
        using FakeProcTree tree = FakeProcTree.Legacy(entries: 61, max: 100);
        await using var daemon = InProcessDaemon.Start(tree);

        await daemon.Sink.WaitForEventAsync(LogEvents.Raised);

        Assert.Equal(120, tree.ReadNumber(FakeProcTree.LegacyMax));
        LogEvent layout = await daemon.Sink.WaitForEventAsync(LogEvents.LayoutDetected);
        Assert.Contains("ip_conntrack_max", layout.RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsItsEffectiveConfigurationAtStart()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100);
        await using var daemon = InProcessDaemon.Start(tree, extraArgs: "--Conntrack:HighWaterPercent=75");

        LogEvent started = await daemon.Sink.WaitForEventAsync(LogEvents.Started);

        Assert.Contains("HighWaterPercent=75", started.RenderMessage(), StringComparison.Ordinal);
        Assert.Contains($"ProcRoot={tree.Root}", started.RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRunLogsTheDecisionAndWritesNothing()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        await using var daemon = InProcessDaemon.Start(tree, extraArgs: "--Conntrack:DryRun=true");

        LogEvent decision = await daemon.Sink.WaitForEventAsync(LogEvents.DryRunDecision);
        await daemon.WaitForMorePollsAsync(3);

        Assert.Contains("would raise nf_conntrack_max from 100 to 120", decision.RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(100, tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.Equal(0, daemon.Sink.Count(LogEvents.Raised));
    }

    [Fact]
    public async Task WaitsForAMissingModuleAndPicksItUp()
    {
        using FakeProcTree tree = new FakeProcTree().WithMemInfo(1024 * 1024);
        await using var daemon = InProcessDaemon.Start(tree);
        await daemon.Sink.WaitForEventAsync(LogEvents.Unavailable);

        tree.Write(FakeProcTree.ModernMax, "100\n").Write(FakeProcTree.ModernCount, "70\n");
        await daemon.Sink.WaitForEventAsync(LogEvents.Raised);

        Assert.Equal(1, daemon.Sink.Count(LogEvents.Unavailable));
        Assert.False(daemon.Exited.IsCompleted);
    }

    [Fact]
    public async Task KeepsRunningThroughAMalformedFileAndRecovers()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100).Write(FakeProcTree.ModernCount, "12abc\n");
        await using var daemon = InProcessDaemon.Start(tree);

        LogEvent fault = await daemon.Sink.WaitForEventAsync(LogEvents.ReadFault);
        await daemon.WaitForMorePollsAsync(3);

        Assert.Equal(LogEventLevel.Error, fault.Level);
        Assert.Contains(tree.PathOf(FakeProcTree.ModernCount), fault.RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(1, daemon.Sink.Count(LogEvents.ReadFault));

        tree.Write(FakeProcTree.ModernCount, "65\n");
        await daemon.Sink.WaitForEventAsync(LogEvents.Raised);
    }

    [Fact]
    public async Task PerHostFileOverridesTheDefaultsAndIsReloadedOnChange()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 55, max: 100);
        await using var daemon = InProcessDaemon.Start(tree, """{ "Conntrack": { "HighWaterPercent": 70 } }""");
        LogEvent started = await daemon.Sink.WaitForEventAsync(LogEvents.Started);
        Assert.Contains("HighWaterPercent=70", started.RenderMessage(), StringComparison.Ordinal);

        await File.WriteAllTextAsync(daemon.HostConfigPath, """{ "Conntrack": { "HighWaterPercent": 55 } }""", TestContext.Current.CancellationToken);

        await daemon.Sink.WaitForEventAsync(LogEvents.ConfigurationReloaded);
        await daemon.Sink.WaitForEventAsync(LogEvents.Raised);
        Assert.Equal(110, tree.ReadNumber(FakeProcTree.ModernMax));
    }

    [Fact]
    public async Task RejectsABrokenPerHostFileOnReloadAndKeepsTheValuesInForce()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        // No lookahead: the jump of the count below would otherwise raise early, before the mark.
        await using var daemon = InProcessDaemon.Start(tree, """{ "Conntrack": { "HighWaterPercent": 70, "Lookahead": "00:00:00" } }""");
        await daemon.Sink.WaitForEventAsync(LogEvents.Started);

        await File.WriteAllTextAsync(daemon.HostConfigPath, """{ "Conntrack": { "HighWaterPercent": 7""", TestContext.Current.CancellationToken);
        LogEvent rejected = await daemon.Sink.WaitForEventAsync(LogEvents.ConfigurationRejected);

        Assert.Contains(daemon.HostConfigPath, rejected.RenderMessage(), StringComparison.Ordinal);
        Assert.Contains("HighWaterPercent=70", rejected.RenderMessage(), StringComparison.Ordinal);

        // Still 70%: a count of 65 does not raise; 70 does.
        tree.Write(FakeProcTree.ModernCount, "65\n");
        await daemon.WaitForMorePollsAsync(3);
        Assert.Equal(100, tree.ReadNumber(FakeProcTree.ModernMax));
        tree.Write(FakeProcTree.ModernCount, "70\n");
        await daemon.Sink.WaitForEventAsync(LogEvents.Raised);
    }

    [Theory]
    [InlineData("--Conntrack:HighWaterPercent=0", "Conntrack:HighWaterPercent must be between 1 and 99 (found 0)")]
    [InlineData("--Conntrack:RaiseMultiplier=1.5", "Choose RaiseMultiplier above 1.667")]
    [InlineData("--Conntrack:PollInterval=soon", "Conntrack:PollInterval is 'soon': a duration is written")]
    [InlineData("--Conntrack:HighWatrPercent=50", "'HighWatrPercent'")]
    [InlineData("--Conntrack:MemoryCeilingPercent=100", "Conntrack:MemoryCeilingPercent must be between 1 and 95 (found 100)")]
    [InlineData("--Conntrack:Namespaces=Some", "Conntrack:Namespaces is 'Some': give one of All, Host.")]
    [InlineData("--Conntrack:NamespaceScanInterval=00:00:00.500", "Conntrack:NamespaceScanInterval must be between 00:00:01 and 01:00:00 (found 00:00:00.5000000)")]
    [InlineData("--Conntrack:BreakdownTop=0", "Conntrack:BreakdownTop must be between 1 and 100 (found 0)")]
    [InlineData("--Metrics:NamespaceSeries=500", "Metrics:NamespaceSeries must be between 0 and 200 (found 500)")]
    [InlineData("--Conntrack:Breakdown=", "Conntrack:Breakdown is empty")]
    public async Task ExitsWith78NamingTheKeyWhenTheConfigurationIsInvalid(string arg, string expected)
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        await using var daemon = InProcessDaemon.Start(tree, extraArgs: arg);

        int exitCode = await daemon.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(78, exitCode);
        Assert.Contains(expected, daemon.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(100, tree.ReadNumber(FakeProcTree.ModernMax));
    }

    [Fact]
    public async Task ExitsWith78NamingTheFileWhenThePerHostJsonIsBroken()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        await using var daemon = InProcessDaemon.Start(tree, "{ \"Conntrack\": ");

        Assert.Equal(78, await daemon.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains($"cannot parse {daemon.HostConfigPath}", daemon.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectsAnUnknownCommand()
    {
        await using var daemon = InProcessDaemon.StartWithArgs("stauts");

        Assert.Equal(64, await daemon.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains("unknown command 'stauts'", daemon.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondDaemonForTheSameProcExitsSayingSoWhileStatusStillReads()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        using var runtime = new TempDirectory();
        await using var first = InProcessDaemon.StartWithLockIn(tree, runtime.Path);
        await first.Sink.WaitForEventAsync(LogEvents.Started);

        await using (var second = InProcessDaemon.StartWithLockIn(tree, runtime.Path))
        {
            Assert.Equal(75, await second.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
            Assert.Contains("another conntrackwatch daemon is running for the same proc", second.Error.ToString(), StringComparison.Ordinal);
        }

        await using (var status = InProcessDaemon.StartWithArgs("status", $"--Conntrack:ProcRoot={tree.Root}"))
        {
            Assert.Equal(0, await status.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }

        Assert.Equal(0, await first.StopAsync());
        await using var third = InProcessDaemon.StartWithLockIn(tree, runtime.Path);
        await third.Sink.WaitForEventAsync(LogEvents.Started); // the lock went with the first
    }

    [Fact]
    public async Task LogsARejectedReloadOncePerReload()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        await using var daemon = InProcessDaemon.Start(tree, """{ "Conntrack": { "HighWaterPercent": 70 } }""");
        await daemon.Sink.WaitForEventAsync(LogEvents.Started);

        // Replaced in one step, as editors save: a truncate and a write would be two changes, each judged.
        await File.WriteAllTextAsync(daemon.HostConfigPath + ".new", """{ "Conntrack": { "HighWaterPercent": 700 } }""", TestContext.Current.CancellationToken);
        File.Move(daemon.HostConfigPath + ".new", daemon.HostConfigPath, overwrite: true);
        await daemon.Sink.WaitForEventAsync(LogEvents.ConfigurationRejected);
        await daemon.WaitForMorePollsAsync(5);

        Assert.Equal(1, daemon.Sink.Count(LogEvents.ConfigurationRejected));

        // SIGHUP, as systemctl reload sends it: one more rejection, not one per configuration layer.
        IServiceProvider services = await daemon.Services;
        services.GetServices<IHostedService>().OfType<ReloadSignalService>().Single().Reload();
        await daemon.WaitForMorePollsAsync(5);

        Assert.Equal(2, daemon.Sink.Count(LogEvents.ConfigurationRejected));
    }
}
