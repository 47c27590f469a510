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
        Poll();
        Poll();

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool ok = Poll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ok);
        Assert.Equal(0, allocated);

        bool Poll() =>
            reader.ReadCount(layout, CountSource.Auto).IsOk & reader.ReadMax(layout).IsOk & counters.Read("/proc", StatsSource.Netlink).IsOk;
    }
}
