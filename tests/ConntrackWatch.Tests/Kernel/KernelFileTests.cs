using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

public sealed class KernelFileTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(100, false)]
    [InlineData(100_000, false)]
    [InlineData(100_001, true)]
    [InlineData(1_000_000, true)]
    public void ReadsUpToTheLimitAndSaysWhetherTheFileWentOn(int size, bool cut)
    {
        using var directory = new TempDirectory();
        string path = directory.Combine("file");
        byte[] content = [.. Enumerable.Range(0, size).Select(i => (byte)i)];
        File.WriteAllBytes(path, content);

        byte[] read = KernelFile.ReadUpTo(path, 100_000, out bool wentOn);

        Assert.Equal(cut, wentOn);
        Assert.Equal(content.AsSpan(0, Math.Min(size, 100_000)).ToArray(), read);
    }

    [Fact]
    public void ReadsNoFifoAndNoLinkWhereLinksAreRefused()
    {
        using var directory = new TempDirectory();
        Command.RunChecked("mkfifo", directory.Combine("fifo"));
        File.WriteAllText(directory.Combine("target"), "x");
        File.CreateSymbolicLink(directory.Combine("link"), directory.Combine("target"));

        Assert.Contains("FIFO", Assert.Throws<KernelFileException>(() => KernelFile.ReadUpTo(directory.Combine("fifo"), 10, out _)).Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", Assert.Throws<KernelFileException>(() => KernelFile.ReadUpTo(directory.Combine("link"), 10, out _, noFollow: true)).Message, StringComparison.Ordinal);
        Assert.Equal("x"u8.ToArray(), KernelFile.ReadUpTo(directory.Combine("link"), 10, out _));
    }
}
