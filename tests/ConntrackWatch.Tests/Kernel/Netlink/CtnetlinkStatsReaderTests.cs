using System.Diagnostics;
using System.Text.RegularExpressions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Netlink;

namespace ConntrackWatch.Tests.Kernel.Netlink;

public sealed partial class CtnetlinkStatsReaderTests
{
    [Fact]
    public void ReadsTheSameCountersAsConntrackMinusS()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        string conntrack = Prerequisite.RequireExecutable("conntrack");
        using var reader = new CtnetlinkStatsReader();

        CountersRead ours = reader.Read();
        string oracle = Run(conntrack, "-S");

        Assert.True(ours.IsOk, ours.Detail);
        Assert.Equal(Sum(oracle, "drop"), ours.Counters!.Value.Drop);
        Assert.Equal(Sum(oracle, "early_drop"), ours.Counters.Value.EarlyDrop);
        Assert.Equal(Sum(oracle, "insert_failed"), ours.Counters.Value.InsertFailed);
        Assert.Equal(Sum(oracle, "chaintoolong"), ours.Counters.Value.ChainTooLong ?? 0);
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

    internal static long Sum(string conntrackS, string counter) =>
        Regex.Matches(conntrackS, $@"\b{counter}=(\d+)").Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    internal static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
