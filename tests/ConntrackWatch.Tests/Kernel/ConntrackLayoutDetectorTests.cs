using ConntrackWatch.Kernel;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Kernel;

public sealed class ConntrackLayoutDetectorTests
{
    [Fact]
    public void DetectsTheModernLayout()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100).WithTable(FakeProcTree.ModernTable, 10);

        ConntrackLayout? layout = ConntrackLayoutDetector.Detect(tree.Root);

        Assert.NotNull(layout);
        Assert.Equal(FakeProcTree.ModernMax, layout.Name);
        Assert.Equal(tree.PathOf(FakeProcTree.ModernMax), layout.MaxPath);
        Assert.Equal(tree.PathOf(FakeProcTree.ModernCount), layout.CountFilePath);
        Assert.Equal(tree.PathOf(FakeProcTree.ModernTable), layout.TablePath);
    }

    [Fact]
    public void DetectsTheLegacyLayoutWithoutACountFile()
    {
        using FakeProcTree tree = FakeProcTree.Legacy(entries: 3, max: 100);

        ConntrackLayout? layout = ConntrackLayoutDetector.Detect(tree.Root);

        Assert.NotNull(layout);
        Assert.Equal(FakeProcTree.LegacyMax, layout.Name);
        Assert.Null(layout.CountFilePath);
        Assert.Equal(tree.PathOf(FakeProcTree.LegacyTable), layout.TablePath);
    }

    [Fact]
    public void PrefersTheFirstCandidateWhenSeveralExist()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100).Write("sys/net/nf_conntrack_max", "100\n");

        Assert.Equal(FakeProcTree.ModernMax, ConntrackLayoutDetector.Detect(tree.Root)!.Name);
    }

    [Fact]
    public void FindsTheSysNetAliasWhenItIsTheOnlyOne()
    {
        using FakeProcTree tree = new FakeProcTree().Write("sys/net/nf_conntrack_max", "100\n");

        Assert.Equal("sys/net/nf_conntrack_max", ConntrackLayoutDetector.Detect(tree.Root)!.Name);
    }

    [Fact]
    public void FindsNothingWithoutTheModuleAndSaysWhy()
    {
        using var tree = new FakeProcTree();
        tree.Write("meminfo", "MemTotal: 1024 kB\n");

        Assert.Null(ConntrackLayoutDetector.Detect(tree.Root));
        Assert.Contains("modprobe nf_conntrack", ConntrackLayoutDetector.DescribeAbsence(tree.Root), StringComparison.Ordinal);
    }

    [Fact]
    public void DetectsThisMachinesRealKernel()
    {
        Prerequisite.RequireRealConntrack();

        ConntrackLayout? layout = ConntrackLayoutDetector.Detect("/proc");

        Assert.Equal("/proc/sys/net/netfilter/nf_conntrack_max", layout?.MaxPath);
        Assert.Equal("/proc/sys/net/netfilter/nf_conntrack_count", layout?.CountFilePath);
    }
}
