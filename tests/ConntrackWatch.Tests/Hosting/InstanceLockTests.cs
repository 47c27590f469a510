using ConntrackWatch.Hosting;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>The lock is root's file: made only where nobody else can change it, never through a link, removed at a clean stop.</summary>
public sealed class InstanceLockTests
{
    [Fact]
    public void NamesTheLockOfAnotherProcRootByAHashThatNeedsNoCryptography()
    {
        // FNV-1a 64 of "a" is af63dc4c8601ec8c (the reference test vector).
        Assert.Equal("/run/x/daemon-af63dc4c8601ec8c.lock", InstanceLock.PathFor("/run/x", "a"));
        Assert.Equal("/run/x/daemon.lock", InstanceLock.PathFor("/run/x", "/proc"));
    }

    [Fact]
    public void HoldsTheLockAgainstASecondDaemonAndRemovesTheFileWhenItLetsGo()
    {
        using var runtime = new TempDirectory();
        string path = InstanceLock.PathFor(runtime.Path, "/proc");

        using (InstanceLock? first = InstanceLock.TryTake(path, out bool held, out string? problem))
        {
            Assert.NotNull(first);
            Assert.Null(problem);
            Assert.Null(InstanceLock.TryTake(path, out held, out problem));
            Assert.True(held);
            Assert.Contains("another conntrackwatch daemon is running", problem, StringComparison.Ordinal);
            Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(path));
        }

        Assert.False(File.Exists(path));
        using InstanceLock? again = InstanceLock.TryTake(path, out _, out string? none);
        Assert.NotNull(again);
        Assert.Null(none);
    }

    [Fact]
    public void NeverOpensALinkPlantedAtTheLocksName()
    {
        using var runtime = new TempDirectory();
        using var elsewhere = new TempDirectory();
        string target = elsewhere.Combine("created-through-the-link");
        string path = InstanceLock.PathFor(runtime.Path, "/proc");
        File.CreateSymbolicLink(path, target);

        Assert.Null(InstanceLock.TryTake(path, out bool held, out string? problem));

        Assert.False(held);
        Assert.Contains("running without a guard", problem, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void RefusesARuntimeDirectoryEveryoneMayWriteWithoutTheStickyBit()
    {
        using var runtime = new TempDirectory();
        File.SetUnixFileMode(runtime.Path, (UnixFileMode)0b111_111_111);

        Assert.Null(InstanceLock.TryTake(InstanceLock.PathFor(runtime.Path, "/proc"), out bool held, out string? problem));

        Assert.False(held);
        Assert.Contains("writable by every user without the sticky bit", problem, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(runtime.Path));
    }

    [Fact]
    public void InAnotherUsersDirectoryMakesNothingButStillSeesALockHeldThere()
    {
        // Root by hand beside the unit: /run/conntrackwatch belongs to the unit's dynamic user.
        Prerequisite.RequireRoot();
        using var runtime = new TempDirectory();
        string path = InstanceLock.PathFor(runtime.Path, "/proc");
        Command.RunChecked("chown", "65534", runtime.Path);

        Assert.Null(InstanceLock.TryTake(path, out bool held, out string? problem));
        Assert.False(held);
        Assert.Contains($"{runtime.Path} is owned by uid 65534", problem, StringComparison.Ordinal);
        Assert.False(File.Exists(path));

        using var holder = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None); // flock(LOCK_EX)
        Assert.Null(InstanceLock.TryTake(path, out held, out problem));
        Assert.True(held);
        Assert.Contains("another conntrackwatch daemon is running", problem, StringComparison.Ordinal);
    }
}
