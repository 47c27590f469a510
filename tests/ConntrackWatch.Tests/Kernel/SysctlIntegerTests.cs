using System.Text;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

public sealed class SysctlIntegerTests
{
    [Theory]
    [InlineData("262144\n", 262144)]
    [InlineData("0\n", 0)]
    [InlineData("  65536  \n", 65536)]
    [InlineData("2147483647", 2147483647)]
    public void ParsesWhatTheKernelWrites(string content, long expected)
    {
        Assert.True(SysctlInteger.TryParse(Encoding.ASCII.GetBytes(content), out long value, out string? problem));
        Assert.Equal(expected, value);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\n", "empty")]
    [InlineData("abc\n", "found 'abc'")]
    [InlineData("-5\n", "found '-5'")]
    [InlineData("12 34\n", "found '12 34'")]
    [InlineData("1e5", "found '1e5'")]
    public void RejectsAnythingElseSayingWhatItFound(string content, string expected)
    {
        Assert.False(SysctlInteger.TryParse(Encoding.ASCII.GetBytes(content), out _, out string? problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void ShowsBinaryGarbagePrintablyAndShortened()
    {
        byte[] garbage = [.. Enumerable.Repeat((byte)0x01, 100)];

        string shown = SysctlInteger.Show(garbage);

        Assert.Equal(new string('?', 40) + "...", shown);
    }
}
