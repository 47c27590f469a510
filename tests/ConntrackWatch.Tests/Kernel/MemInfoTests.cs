using System.Text;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

public sealed class MemInfoTests
{
    [Fact]
    public void FindsMemTotalByKeyAndConvertsKibToBytes()
    {
        const string meminfo = "MemTotal:       24684084 kB\nMemFree:        24576648 kB\nMemAvailable:   24479860 kB\n";

        Assert.True(MemInfo.TryParseMemTotal(Encoding.ASCII.GetBytes(meminfo), out long bytes, out _));
        Assert.Equal(24684084L * 1024, bytes);
    }

    [Fact]
    public void DoesNotDependOnLinePosition()
    {
        const string meminfo = "MemFree:        1000 kB\nHugePages_Total:       0\nMemTotal:       2048 kB\n";

        Assert.True(MemInfo.TryParseMemTotal(Encoding.ASCII.GetBytes(meminfo), out long bytes, out _));
        Assert.Equal(2048L * 1024, bytes);
    }

    [Fact]
    public void ReadsThisMachinesRealMemInfo()
    {
        Assert.True(MemInfo.TryParseMemTotal(File.ReadAllBytes("/proc/meminfo"), out long bytes, out string? problem), problem);
        Assert.True(bytes > 64L * 1024 * 1024, $"MemTotal {bytes} bytes");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("MemFree: 5 kB\n", "no MemTotal line")]
    [InlineData("MemTotal: lots kB\n", "no positive number")]
    [InlineData("MemTotal: 2048 MB\n", "unit is 'MB'")]
    [InlineData("MemTotal: 2048\n", "unit is ''")]
    public void ExplainsWhatIsWrong(string meminfo, string expected)
    {
        Assert.False(MemInfo.TryParseMemTotal(Encoding.ASCII.GetBytes(meminfo), out _, out string? problem));
        Assert.Contains(expected, problem);
    }
}
