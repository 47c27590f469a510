using System.Text;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

public sealed class ProcStatCountersTests
{
    [Fact]
    public void SumsTheCpusOfAModernKernelFindingColumnsByTheHeader()
    {
        const string stat =
            "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            "00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000002 00000000 00000003 0000000a 00000001 00000000  00000000 00000000 00000000 00000000\n" +
            "00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000001 00000000 00000001 000000f0 00000002 00000000  00000000 00000000 00000000 00000000\n";

        Assert.True(ProcStatCounters.TryParse(Encoding.ASCII.GetBytes(stat), out ConntrackCounters counters, out string? problem), problem);

        Assert.Equal(new ConntrackCounters(Drop: 0xfa, EarlyDrop: 3, InsertFailed: 4, ChainTooLong: 3), counters);
    }

    [Fact]
    public void ReadsAnOlderKernelWithOtherColumnsAndNoChainCounter()
    {
        const string stat =
            "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            "0000002a  00000000 00000005 00000000 00000000 00000000 00000000 00000009 00000000 00000000 00000007 00000000 00000000  00000000 00000000 00000000 00000000\n";

        Assert.True(ProcStatCounters.TryParse(Encoding.ASCII.GetBytes(stat), out ConntrackCounters counters, out _));

        Assert.Equal(7, counters.Drop);
        Assert.Null(counters.ChainTooLong);
    }

    [Fact]
    public void ReadsThisMachinesRealFileWhereTheKernelHasIt()
    {
        Prerequisite.Require(File.Exists("/proc/net/stat/nf_conntrack"), "needs CONFIG_NF_CONNTRACK_PROCFS (/proc/net/stat/nf_conntrack)");

        Assert.True(ProcStatCounters.TryParse(File.ReadAllBytes("/proc/net/stat/nf_conntrack"), out _, out string? problem), problem);
    }

    [Theory]
    [InlineData("", "no drop, early_drop or insert_failed column")]
    [InlineData("entries drop early_drop insert_failed\n", "no CPU lines")]
    [InlineData("entries drop early_drop insert_failed\n00000001 zz 00000000 00000000\n", "not hexadecimal")]
    public void ExplainsWhatIsWrong(string stat, string expected)
    {
        Assert.False(ProcStatCounters.TryParse(Encoding.ASCII.GetBytes(stat), out _, out string? problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
