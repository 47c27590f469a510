using ConntrackWatch.Kernel;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Kernel;

public sealed class LineCounterTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("", 0)]
    [InlineData("\n", 1)]
    [InlineData("one\n", 1)]
    [InlineData("one", 1)]
    [InlineData("one\ntwo", 2)]
    [InlineData("one\ntwo\n", 2)]
    [InlineData("\n\n\n", 3)]
    public void CountsLinesIncludingALastLineWithoutNewline(string content, long expected)
    {
        string path = _directory.Combine("table");
        File.WriteAllText(path, content);

        KernelResult<long> result = new LineCounter().CountLines(path);

        Assert.True(result.IsOk);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(4096)]
    public void CountsAcrossBufferBoundaries(int bufferSize)
    {
        string path = _directory.Combine("table");
        int lines = 1000;
        File.WriteAllText(path, string.Concat(Enumerable.Repeat(FakeProcTree.TableLine, lines)) + "partial");

        KernelResult<long> result = new LineCounter(bufferSize: bufferSize).CountLines(path);

        Assert.Equal(lines + 1, result.Value);
    }

    [Fact]
    public void GivesTheSameCountOnEveryReuseOfItsBuffer()
    {
        string small = _directory.Combine("small");
        string large = _directory.Combine("large");
        File.WriteAllText(small, "a\nb\n");
        File.WriteAllText(large, string.Concat(Enumerable.Repeat("x\n", 100_000)));
        var counter = new LineCounter(bufferSize: 64);

        Assert.Equal(100_000, counter.CountLines(large).Value);
        Assert.Equal(2, counter.CountLines(small).Value);
        Assert.Equal(100_000, counter.CountLines(large).Value);
    }

    [Fact]
    public void AllocatesNothingPerCountAfterTheFirst()
    {
        string path = _directory.Combine("table");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat(FakeProcTree.TableLine, 10_000)));
        var counter = new LineCounter();
        using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(path);
        long lines = 0;

        long allocated = Allocations.OfSteadyState(() => lines = counter.CountLines(handle));

        Assert.Equal(10_000, lines);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void CountsAProcFileThatReportsSizeZero()
    {
        // /proc/self/status reports st_size 0 but has many lines: the counter must read to end of file.
        Assert.Equal(0, new FileInfo("/proc/self/status").Length);

        KernelResult<long> result = new LineCounter().CountLines("/proc/self/status");

        Assert.True(result.Value > 10, $"counted {result.Value}");
    }

    [Fact]
    public void ReportsAMissingTableAsMissing()
    {
        KernelResult<long> result = new LineCounter().CountLines(_directory.Combine("absent"));

        Assert.Equal(ReadStatus.Missing, result.Status);
        Assert.EndsWith("absent", result.Path, StringComparison.Ordinal);
    }
}
