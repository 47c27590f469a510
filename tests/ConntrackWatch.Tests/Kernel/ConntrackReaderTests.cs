using ConntrackWatch.Configuration;
using ConntrackWatch.Kernel;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Kernel;

public sealed class ConntrackReaderTests
{
    [Theory]
    [InlineData(CountSource.Auto, 42)]
    [InlineData(CountSource.CountFile, 42)]
    [InlineData(CountSource.Table, 7)]
    public void ReadsTheCountFromTheConfiguredSource(CountSource source, long expected)
    {
        // The count file and the table disagree on purpose, to show which one was read.
        using FakeProcTree tree = FakeProcTree.Modern(count: 42, max: 100).WithTable(FakeProcTree.ModernTable, 7);
        ConntrackLayout layout = ConntrackLayoutDetector.Detect(tree.Root)!;

        KernelResult<long> count = new ConntrackReader().ReadCount(layout, source);

        Assert.True(count.IsOk, count.Detail);
        Assert.Equal(expected, count.Value);
    }

    [Fact]
    public void AutoCountsTheTableWhenTheKernelHasNoCountFile()
    {
        using FakeProcTree tree = FakeProcTree.Legacy(entries: 5, max: 100);
        ConntrackLayout layout = ConntrackLayoutDetector.Detect(tree.Root)!;

        Assert.Equal(5, new ConntrackReader().ReadCount(layout, CountSource.Auto).Value);
        Assert.Equal(100, new ConntrackReader().ReadMax(layout).Value);
    }

    [Fact]
    public void ExplainsACountSourceTheKernelDoesNotHave()
    {
        using FakeProcTree tree = FakeProcTree.Legacy(entries: 5, max: 100);
        ConntrackLayout layout = ConntrackLayoutDetector.Detect(tree.Root)!;

        KernelResult<long> count = new ConntrackReader().ReadCount(layout, CountSource.CountFile);

        Assert.Equal(ReadStatus.Missing, count.Status);
        Assert.Contains("Conntrack:CountSource", count.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesTheFileAndTheContentWhenTheMaxIsMalformed()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100).Write(FakeProcTree.ModernMax, "lots\n");
        ConntrackLayout layout = ConntrackLayoutDetector.Detect(tree.Root)!;

        KernelResult<long> max = new ConntrackReader().ReadMax(layout);

        Assert.Equal(ReadStatus.Malformed, max.Status);
        Assert.Equal(tree.PathOf(FakeProcTree.ModernMax), max.Path);
        Assert.Contains("found 'lots'", max.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsAnOverlongFileAsMalformed()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100).Write(FakeProcTree.ModernMax, new string('9', 1000));
        ConntrackLayout layout = ConntrackLayoutDetector.Detect(tree.Root)!;

        KernelResult<long> max = new ConntrackReader().ReadMax(layout);

        Assert.Equal(ReadStatus.Malformed, max.Status);
        Assert.Contains("more than", max.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsThisMachinesRealCountFileAndMax()
    {
        Prerequisite.RequireRealConntrack();
        ConntrackLayout layout = ConntrackLayoutDetector.Detect("/proc")!;
        var reader = new ConntrackReader();

        KernelResult<long> max = reader.ReadMax(layout);
        KernelResult<long> countFile = reader.ReadCount(layout, CountSource.CountFile);

        Assert.True(max.IsOk && countFile.IsOk, $"{max.Detail} {countFile.Detail}");
        Assert.Equal(long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_max").Trim(), System.Globalization.CultureInfo.InvariantCulture), max.Value);
        Assert.InRange(countFile.Value, 0, max.Value);
    }
}
