using ConntrackWatch.Configuration;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;
using ConntrackWatch.Tests.Support.RealKernel;

namespace ConntrackWatch.Tests.Kernel;

/// <summary>A steady-state poll of the real kernel opens nothing and allocates nothing, and still reads live values.</summary>
[Collection(SerialTests.Name)]
public sealed class SteadyStatePollTests
{
    [Fact]
    public void KeptProcHandlesReadTheLiveValue()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        using var max = new SysctlRestorer("/proc/sys/net/netfilter/nf_conntrack_max");
        using var reader = new ConntrackReader();
        ConntrackLayout layout = ConntrackLayoutDetector.Detect("/proc")!;
        Assert.Equal(max.Original, reader.ReadMax(layout).Value);

        max.Set(max.Original + 7);

        Assert.Equal(max.Original + 7, reader.ReadMax(layout).Value);
    }

    [Fact]
    public void ReadingCountMaxAndDropCountersAllocatesNothingAfterTheFirstPoll()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        using var reader = new ConntrackReader();
        using var counters = new CountersReader();
        ConntrackLayout layout = ConntrackLayoutDetector.Detect("/proc")!;
        bool ok = false;

        long allocated = Allocations.OfSteadyState(() => ok = Poll());

        Assert.True(ok);
        Assert.Equal(0, allocated);

        bool Poll() =>
            reader.ReadCount(layout, CountSource.Auto).IsOk & reader.ReadMax(layout).IsOk & counters.Read("/proc", StatsSource.Netlink).IsOk;
    }

    [Fact]
    public void ACompletePollWithTheTextfileAndTheStatusLineAllocatesNothingAfterWarmUp()
    {
        using var directory = new TempDirectory();
        using var notify = new NotifySocket();
        // Three other namespaces: each is read, judged and published at every poll too.
        FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100)
            .WithProcessNamespace(100, entries: 5).WithProcessNamespace(200, entries: 30).WithProcessNamespace(300, entries: 0);
        using var harness = new PollHarness(tree, notify.EnvironmentValue, ("Metrics:TextfilePath", directory.Path));
        // The daemon's own publishers only: the harness's recorder keeps every report, which allocates.
        using var worker = new ConntrackWatch.Service.ConntrackWorker(
            harness.Cycle, harness.Settings,
            [harness.Get<ConntrackWatch.Metrics.MetricsPublisher>(), harness.Get<ConntrackWatch.Metrics.ConntrackMeter>(), harness.Get<ConntrackWatch.Systemd.ServiceNotifications>()],
            harness.Get<Microsoft.Extensions.Options.IOptions<MetricsOptions>>(), harness.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ConntrackWatch.Service.ConntrackWorker>.Instance);
        for (int i = 0; i < 5; i++)
        {
            worker.PollAndReport();
            notify.Receive();
        }

        long allocated = Allocations.OfSteadyState(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                worker.PollAndReport();
            }
        }, warmUps: 0);

        Assert.Equal(0, allocated);
        Assert.Matches(@"^STATUS=count 10 of max 100 \(10\.0%\), ceiling \d+; fullest: pid 200 \(sleep\) \(ns \d+\) 30 of 100 \(30\.0%\); 4 namespaces, 45 entries in all$", notify.Receive());
        string metrics = File.ReadAllText(directory.Combine(MetricsOptions.FileName));
        Assert.Contains("conntrackwatch_entries 10\n", metrics, StringComparison.Ordinal);
        Assert.Matches(@"\nconntrackwatch_namespace_entries\{namespace=""pid 200 \(sleep\)"",inode=""\d+""\} 30\n", metrics);
    }
}
