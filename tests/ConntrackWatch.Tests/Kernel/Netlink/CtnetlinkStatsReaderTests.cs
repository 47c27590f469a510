using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Netlink;

namespace ConntrackWatch.Tests.Kernel.Netlink;

// The counters are host-wide: another test provoking drops at the same time would race the comparison.
[Collection(SerialTests.Name)]
public sealed class CtnetlinkStatsReaderTests
{
    [Fact]
    public void ReadsTheSameCountersAsConntrackMinusS()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        string conntrack = Prerequisite.RequireExecutable("conntrack");
        using var reader = new CtnetlinkStatsReader();

        KernelResult<ConntrackCounters> ours = reader.Read();
        string oracle = Command.RunChecked(conntrack, "-S");

        Assert.True(ours.IsOk, ours.Detail);
        Assert.Equal(Command.SumConntrackStat(oracle, "drop"), ours.Value.Drop);
        Assert.Equal(Command.SumConntrackStat(oracle, "early_drop"), ours.Value.EarlyDrop);
        Assert.Equal(Command.SumConntrackStat(oracle, "insert_failed"), ours.Value.InsertFailed);
        Assert.Equal(Command.SumConntrackStat(oracle, "chaintoolong"), ours.Value.ChainTooLong ?? 0);
        Assert.Equal(Command.SumConntrackStat(oracle, "clash_resolve"), ours.Value.ClashResolve ?? 0);
    }

    [Fact]
    public void ReusesItsSocketAcrossReads()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        using var reader = new CtnetlinkStatsReader();
        HashSet<string> before = OpenSockets();

        Assert.True(reader.Read().IsOk);
        string[] opened = [.. OpenSockets().Except(before)];
        for (int i = 0; i < 20; i++)
        {
            Assert.True(reader.Read().IsOk);
        }

        // One socket was opened by the first read, and the later reads opened none and closed none.
        Assert.Single(opened);
        Assert.Equal(opened, OpenSockets().Except(before));
    }

    /// <summary>The sockets this process holds, by inode, from its /proc/self/fd links ("socket:[1234]").</summary>
    private static HashSet<string> OpenSockets() =>
        [.. new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Select(fd => { try { return fd.LinkTarget; } catch (IOException) { return null; } })
            .OfType<string>()
            .Where(target => target.StartsWith("socket:", StringComparison.Ordinal))];
}
