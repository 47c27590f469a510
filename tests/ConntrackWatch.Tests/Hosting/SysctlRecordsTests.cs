using ConntrackWatch.Tests.Support.RealKernel;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>The records that let the next test run undo a sysctl change a killed run could not.</summary>
public sealed class SysctlRecordsTests
{
    [Fact]
    public void PutsBackTheRecordedOriginalAndForgetsTheRecord()
    {
        using var directory = new TempDirectory();
        var records = new SysctlRecords(directory.Combine("records"));
        string sysctl = directory.Combine("nf_conntrack_max");
        File.WriteAllText(sysctl, "262144\n");

        Assert.True(records.Record(sysctl, "262144"));
        File.WriteAllText(sysctl, "100\n"); // the test lowered it, then the run was killed

        Assert.Equal([sysctl], records.RestoreAll());
        Assert.Equal("262144\n", File.ReadAllText(sysctl));
        Assert.Empty(records.RestoreAll());
    }

    [Fact]
    public void KeepsTheFirstOriginalWhenTheSameSysctlIsRecordedAgain()
    {
        using var directory = new TempDirectory();
        var records = new SysctlRecords(directory.Combine("records"));
        string sysctl = directory.Combine("nf_conntrack_max");
        File.WriteAllText(sysctl, "100\n");

        records.Record(sysctl, "262144");
        Assert.False(records.Record(sysctl, "100"));
        records.RestoreAll();

        Assert.Equal("262144\n", File.ReadAllText(sysctl));
    }
}
