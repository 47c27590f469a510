using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using ConntrackWatch.Tests.Support;
using ConntrackWatch.Tests.Support.RealKernel;
using Serilog.Events;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// The daemon against this machine's real netfilter, in the initial network namespace where nf_conntrack_max is
/// writable. Every sysctl and nftables table is restored or removed whatever the outcome.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class RealKernelTests
{
    private const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";
    private const string CountPath = "/proc/sys/net/netfilter/nf_conntrack_count";

    [Fact]
    public void WritesTheRealMaxAndReadsItBack()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        using var max = new SysctlRestorer(MaxPath);

        KernelResult<long> written = SysctlWriter.WriteInteger(MaxPath, max.Original + 1);

        Assert.True(written.IsOk, written.Detail);
        Assert.Equal(max.Original + 1, max.Current);
    }

    [Fact]
    public async Task RaisesTheRealMaxWhenRealFlowsReachTheHighWaterMark()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        string nft = Prerequisite.RequireExecutable("nft");
        using var max = new SysctlRestorer(MaxPath);
        using var table = new NftTable(nft);
        long before = long.Parse(File.ReadAllText(CountPath).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        long lowered = before + 100;
        max.Set(lowered);

        // Enough new flows to pass 60% of the lowered max.
        UdpFlows.Send(count: 70, firstPort: 42000);
        await Eventually.TrueAsync(
            () => long.Parse(File.ReadAllText(CountPath).Trim(), System.Globalization.CultureInfo.InvariantCulture) >= before + 61,
            "the kernel tracks the new flows");

        await using var daemon = InProcessDaemon.StartWithArgs("--Conntrack:PollInterval=00:00:00.100");
        LogEvent raised = await daemon.Sink.WaitForEventAsync(LogEvents.Raised);

        long expected = 2 * ((lowered * 60 + 99) / 100);
        Assert.Equal(lowered, CollectingSink.Number(raised, "OldMax"));
        Assert.Equal(expected, CollectingSink.Number(raised, "NewMax"));
        Assert.Equal(expected, max.Current);
        Assert.Equal(0, await daemon.StopAsync());
    }
}
