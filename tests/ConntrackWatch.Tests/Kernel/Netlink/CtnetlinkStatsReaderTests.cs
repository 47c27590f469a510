using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Netlink;

namespace ConntrackWatch.Tests.Kernel.Netlink;

public sealed class CtnetlinkStatsReaderTests
{
    [Fact]
    public void ReadsTheSameCountersAsConntrackMinusS()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        string conntrack = Prerequisite.RequireExecutable("conntrack");
        using var reader = new CtnetlinkStatsReader();

        CountersRead ours = reader.Read();
        string oracle = Command.RunChecked(conntrack, "-S");

        Assert.True(ours.IsOk, ours.Detail);
        Assert.Equal(Command.SumConntrackStat(oracle, "drop"), ours.Counters!.Value.Drop);
        Assert.Equal(Command.SumConntrackStat(oracle, "early_drop"), ours.Counters.Value.EarlyDrop);
        Assert.Equal(Command.SumConntrackStat(oracle, "insert_failed"), ours.Counters.Value.InsertFailed);
        Assert.Equal(Command.SumConntrackStat(oracle, "chaintoolong"), ours.Counters.Value.ChainTooLong ?? 0);
    }

    [Fact]
    public void ReusesItsSocketAcrossReads()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        using var reader = new CtnetlinkStatsReader();

        Assert.True(reader.Read().IsOk);
        Assert.True(reader.Read().IsOk);
    }
}
