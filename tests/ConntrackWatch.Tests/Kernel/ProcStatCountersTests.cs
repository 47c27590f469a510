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
            "00000010  00000004 00000000 00000000 00000000 00000000 00000000 00000002 00000020 00000003 0000000a 00000001 00000000  00000000 00000000 00000000 00000000\n" +
            "00000010  00000001 00000000 00000000 00000000 00000000 00000000 00000001 00000015 00000001 000000f0 00000002 00000000  00000000 00000000 00000000 00000000\n";

        Assert.True(ProcStatCounters.TryParse(Encoding.ASCII.GetBytes(stat), out ConntrackCounters counters, out string? problem), problem);

        Assert.Equal(new ConntrackCounters(Drop: 0xfa, EarlyDrop: 3, InsertFailed: 4, ChainTooLong: 3, ClashResolve: 5), counters);
    }

    [Fact]
    public void ReadsAnOlderKernelWithOtherColumnsAndNoChainCounter()
    {
        const string stat =
            "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            "0000002a  00000000 00000005 00000000 00000000 00000000 00000000 00000009 0000000b 00000000 00000007 00000000 00000000  00000000 00000000 00000000 00000000\n";

        Assert.True(ProcStatCounters.TryParse(Encoding.ASCII.GetBytes(stat), out ConntrackCounters counters, out _));

        Assert.Equal(7, counters.Drop);
        Assert.Null(counters.ChainTooLong);
        Assert.Null(counters.ClashResolve); // no clashres column before 5.11
    }

    [Fact]
    public void AKeptLayoutFollowsAHeaderThatChangedBetweenParses()
    {
        // Same length, other columns: the kept columns are not the new header's.
        byte[] first = Encoding.ASCII.GetBytes("entries drop early_drop insert_failed\n00000001 00000002 00000003 00000004\n");
        byte[] second = Encoding.ASCII.GetBytes("entries early_drop drop insert_failed\n00000001 00000002 00000003 00000004\n");
        var layout = new ProcStatCounters.Layout();

        Assert.True(ProcStatCounters.TryParse(first, out ConntrackCounters before, out _, out _, layout));
        Assert.True(ProcStatCounters.TryParse(first, out ConntrackCounters again, out _, out _, layout));
        Assert.True(ProcStatCounters.TryParse(second, out ConntrackCounters after, out _, out _, layout));

        Assert.Equal((2L, 3L), (before.Drop, before.EarlyDrop));
        Assert.Equal(before, again);
        Assert.Equal((3L, 2L), (after.Drop, after.EarlyDrop));
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
    [InlineData("entries drop early_drop insert_failed\n00000001 100000000 00000000 00000000\n", "32-bit counters")]
    [InlineData("entries drop early_drop insert_failed\n00000001 0000000g 00000000 00000000\n", "not hexadecimal")]
    [InlineData("entries drop early_drop insert_failed\n00000001 0000000` 00000000 00000000\n", "not hexadecimal")]
    [InlineData("entries drop early_drop insert_failed\n00000001 000000@0 00000000 00000000\n", "not hexadecimal")]
    [InlineData("entries drop early_drop insert_failed\n00000001 00000000 00000000\n", "not hexadecimal")]
    [InlineData("entries drop early_drop insert_failed\n0000000x 00000000 00000000 00000000\n", "the entries column is not hexadecimal")]
    public void ExplainsWhatIsWrong(string stat, string expected)
    {
        Assert.False(ProcStatCounters.TryParse(Encoding.ASCII.GetBytes(stat), out _, out string? problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ffffffff", 4294967295L)]
    [InlineData("FFFFFFFE", 4294967294L)]
    [InlineData("0000000000000001", 1L)]
    [InlineData("0", 0L)]
    public void ReadsEachCounterAsTheKernelsUnsigned32Bits(string drop, long expected)
    {
        byte[] stat = Encoding.ASCII.GetBytes($"entries  drop early_drop insert_failed\n0000002a  {drop} 00000001 00000002\n0000002a  00000000 00000000 00000000\n");

        Assert.True(ProcStatCounters.TryParse(stat, out ConntrackCounters counters, out long? entries, out string? problem), problem);
        Assert.Equal((42L, expected, 1L, 2L), (entries!.Value, counters.Drop, counters.EarlyDrop, counters.InsertFailed));
    }
}
