using System.Globalization;
using ConntrackWatch.Logging;
using ConntrackWatch.Tests.Support.RealKernel;
using Serilog.Events;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// The real nf_conntrack_max set by another writer under a running daemon, with a sysctl.d file in a host root of
/// the test's own that sets it: one event naming the values and the file's line. The max is put back whatever
/// the outcome.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class AnotherWriterTests
{
    private const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";

    [Fact]
    public async Task LoweringTheRealMaxUnderTheDaemonIsOneEventNamingTheSysctlDLineThatSetsIt()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        using var max = new SysctlRestorer(MaxPath);
        using var root = new TempDirectory();
        long lowered = max.Original;
        long learned = max.Original + 4096; // what the daemon "raised to" before it last stopped
        Directory.CreateDirectory(root.Combine("etc/sysctl.d"));
        File.WriteAllText(root.Combine("etc/sysctl.d/90-test.conf"), string.Create(CultureInfo.InvariantCulture, $"# a vendor's default\nnet.netfilter.nf_conntrack_max = {lowered}\n"));
        File.WriteAllText(root.Combine("learned-max"), string.Create(CultureInfo.InvariantCulture, $"max={learned}\nlearned=2026-11-30T10:00:00Z\n"));

        await using var daemon = InProcessDaemon.StartWithArgs(
            "--Conntrack:PollInterval=00:00:00.100", $"--Conntrack:HostRoot={root.Path}", $"--Conntrack:StateDirectory={root.Path}",
            "--Conntrack:Namespaces=Host");
        LogEvent atStart = await daemon.Sink.WaitForEventAsync(LogEvents.MaxLowered, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => max.Current == learned, "the learned max restored");
        Assert.Equal((lowered.ToString(CultureInfo.InvariantCulture), learned.ToString(CultureInfo.InvariantCulture), "learned before it last stopped"),
            (Scalar(atStart, "ConntrackMax"), Scalar(atStart, "DaemonMax"), Scalar(atStart, "DaemonMaxWas")));

        max.Set(lowered); // another writer: what systemd-sysctl would apply from 90-test.conf
        await daemon.WaitForMorePollsAsync(5);

        Assert.True(daemon.Sink.Count(LogEvents.MaxLowered) == 2, string.Join("\n", daemon.Sink.Messages));
        LogEvent underIt = daemon.Sink.Events.Last(e => CollectingSink.EventId(e) == LogEvents.MaxLowered);
        Assert.Equal((lowered.ToString(CultureInfo.InvariantCulture), learned.ToString(CultureInfo.InvariantCulture), "last wrote"),
            (Scalar(underIt, "ConntrackMax"), Scalar(underIt, "DaemonMax"), Scalar(underIt, "DaemonMaxWas")));
        Assert.Equal($"/etc/sysctl.d/90-test.conf:2 sets {lowered}", Scalar(underIt, "MaxWriters"));
        Assert.Equal(2, daemon.Polls[daemon.Polls.Count - 1].MaxLoweredTotal);
        Assert.Equal(lowered, max.Current); // far from the mark: the policy has no reason to raise it
        Assert.Equal(0, await daemon.StopAsync());
    }

    private static string? Scalar(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out LogEventPropertyValue? value) && value is ScalarValue { Value: var v }
            ? Convert.ToString(v, CultureInfo.InvariantCulture)
            : null;
}
