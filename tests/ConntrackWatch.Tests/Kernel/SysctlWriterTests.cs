using ConntrackWatch.Kernel;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Kernel;

public sealed class SysctlWriterTests
{
    [Fact]
    public void ReplacesTheValueLikeEchoDoes()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 1000000);

        KernelResult<long> result = SysctlWriter.WriteInteger(tree.PathOf(FakeProcTree.ModernMax), 120);

        Assert.True(result.IsOk, result.Detail);
        Assert.Equal("120\n", File.ReadAllText(tree.PathOf(FakeProcTree.ModernMax)));
    }

    [Fact]
    public void ReportsAMissingSysctlWithoutCreatingIt()
    {
        using var tree = new FakeProcTree();

        KernelResult<long> result = SysctlWriter.WriteInteger(tree.PathOf("nf_conntrack_max"), 120);

        Assert.Equal(ReadStatus.Missing, result.Status);
        Assert.False(File.Exists(tree.PathOf("nf_conntrack_max")));
    }

    [Fact]
    public void ReportsARealReadOnlySysctlAsNotWritableInThisNamespace()
    {
        // Like nf_conntrack_max outside the initial network namespace, kernel.ngroups_max is mode 0444:
        // the kernel refuses writes even to root.
        const string readOnlySysctl = "/proc/sys/kernel/ngroups_max";
        Prerequisite.Require(File.Exists(readOnlySysctl), $"needs {readOnlySysctl}");
        string before = File.ReadAllText(readOnlySysctl);

        KernelResult<long> result = SysctlWriter.WriteInteger(readOnlySysctl, 1);

        Assert.Equal(ReadStatus.ReadOnly, result.Status);
        Assert.Contains("not writable in this network namespace", result.Detail, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(readOnlySysctl));
    }
}
