using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

/// <summary>A root-run daemon writing into a directory others can write to must not be turned against other files.</summary>
public sealed class AtomicFileTests
{
    private const string Key = "Metrics:TextfilePath";

    [Fact]
    public void ReplacesALinkAtTheFileNameInsteadOfWritingThroughIt()
    {
        using var directory = new TempDirectory();
        using var elsewhere = new TempDirectory();
        string victim = elsewhere.Combine("shadow");
        File.WriteAllText(victim, "secret\n");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string textfile = directory.Combine("conntrackwatch.prom");
        File.CreateSymbolicLink(textfile, victim);

        Assert.Null(new AtomicFile(textfile, Key).Write("conntrackwatch_entries 1\n"u8));

        Assert.Equal("secret\n", File.ReadAllText(victim));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(victim));
        Assert.Null(new FileInfo(textfile).LinkTarget);
        Assert.Equal("conntrackwatch_entries 1\n", File.ReadAllText(textfile));
    }

    [Fact]
    public void NeverWritesThroughALinkPlantedAtTheOldPredictableTemporaryName()
    {
        using var directory = new TempDirectory();
        using var elsewhere = new TempDirectory();
        string victim = elsewhere.Combine("victim");
        File.WriteAllText(victim, "untouched\n");
        File.CreateSymbolicLink(directory.Combine($".conntrackwatch.prom.{Environment.ProcessId}.tmp"), victim);

        Assert.Null(new AtomicFile(directory.Combine("conntrackwatch.prom"), Key).Write("x 1\n"u8));

        Assert.Equal("untouched\n", File.ReadAllText(victim));
        Assert.Equal(2, Directory.GetFileSystemEntries(directory.Path).Length); // the planted link and the textfile
    }

    [Fact]
    public void RefusesADirectoryEveryoneMayWriteWithoutTheStickyBit()
    {
        using var directory = new TempDirectory();
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_111_111);

        string? problem = new AtomicFile(directory.Combine("conntrackwatch.prom"), Key).Write("x 1\n"u8);

        Assert.Contains("writable by every user without the sticky bit", problem, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public void AcceptsAStickyWorldWritableDirectoryLikeTmp()
    {
        using var directory = new TempDirectory();
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b1_111_111_111);

        Assert.Null(new AtomicFile(directory.Combine("conntrackwatch.prom"), Key).Write("x 1\n"u8));
    }
}
