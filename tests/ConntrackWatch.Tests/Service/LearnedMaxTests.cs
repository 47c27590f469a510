using ConntrackWatch.Logging;
using ConntrackWatch.Service;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Tests.Service;

/// <summary>The max learned before a reboot: kept after each raise, put back at the first poll.</summary>
public sealed class LearnedMaxTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private string StateFile => _state.Combine(LearnedMaxStore.FileName);

    private PollHarness Harness(FakeProcTree tree, params (string Key, string Value)[] settings) =>
        new(tree, [("Conntrack:StateDirectory", _state.Path), .. settings]);

    private void Learned(long max) => File.WriteAllText(StateFile, $"max={max}\nlearned=2026-11-20T08:00:00Z\n");

    [Fact]
    public void AnEmptyStateDirectoryKeepsNothingAndSaysNothingOfIt()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100), ("Conntrack:StateDirectory", ""));

        Assert.True(harness.Poll().Raised);

        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Id.Id is LogEvents.LearnedMaxIgnored or LogEvents.LearnedMaxNone or LogEvents.LearnedMaxNotSaved);
        Assert.Contains("StateDirectory=none", harness.Settings.Current.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void KeepsTheNewMaxInTheStateDirectoryAfterARaise()
    {
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 65, max: 100));

        Assert.True(harness.Poll().Raised);

        Assert.True(LearnedMax.TryParse(File.ReadAllText(StateFile), out LearnedMax learned, out string problem), problem);
        Assert.Equal(120, learned.Max);
        Assert.Equal(harness.Time.GetUtcNow().ToUnixTimeSeconds(), learned.LearnedAt.ToUnixTimeSeconds());
        Assert.Equal([StateFile], Directory.GetFiles(_state.Path)); // no temporary file left beside it
    }

    [Fact]
    public void RestoresTheLearnedMaxAtTheFirstPollWhenARebootResetTheKernels()
    {
        Learned(120);
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100));

        PollReport report = harness.Poll();

        Assert.Equal(120, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.Equal(120, report.Decision.CurrentMax); // the poll went on with the restored max
        var restored = Assert.Single(harness.Logged(LogEvents.LearnedMaxRestored));
        Assert.Equal(LogLevel.Warning, restored.Level);
        Assert.Contains("Restored nf_conntrack_max to 120: the kernel had 100", restored.Message, StringComparison.Ordinal);
        Assert.Contains("2026-11-20 08:00:00Z", restored.Message, StringComparison.Ordinal);
        Assert.Equal(30, harness.Tree.ReadNumber(FakeProcTree.ModernBuckets)); // the hash table follows, as after any raise
    }

    [Fact]
    public void RestoresOnlyOnceNotWheneverTheMaxIsLoweredLater()
    {
        Learned(120);
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100));
        harness.Poll();

        harness.Tree.Write(FakeProcTree.ModernMax, "100\n"); // an admin lowers it on purpose
        harness.Poll();

        Assert.Equal(100, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.Single(harness.Logged(LogEvents.LearnedMaxRestored));
    }

    [Fact]
    public void BoundsTheRestoreByTheMemoryCeiling()
    {
        Learned(5000);
        // 158 KiB at 1024 bytes per entry and 70%: a ceiling of 110.
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100, memTotalKib: 158), ("Conntrack:BytesPerEntry", "1024"));

        harness.Poll();

        Assert.Equal(110, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
    }

    [Theory]
    [InlineData("Conntrack:RestoreLearnedMax", "false", LogEvents.Raised)]
    [InlineData("Conntrack:DryRun", "true", LogEvents.DryRunDecision)]
    public void LeavesTheKernelsMaxWhenTurnedOffOrInADryRun(string key, string value, int loggedInstead)
    {
        Learned(120);
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100), (key, value));

        harness.Poll();

        Assert.Equal(100, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.Empty(harness.Logged(LogEvents.LearnedMaxRestored));
        Assert.Equal(key == "Conntrack:DryRun" ? 1 : 0, harness.Logged(loggedInstead).Count);
    }

    [Fact]
    public void DoesNothingWhenTheKernelAlreadyHasTheLearnedMaxOrMore()
    {
        Learned(120);
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 150));

        harness.Poll();

        Assert.Equal(150, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        Assert.Empty(harness.Logged(LogEvents.LearnedMaxRestored));
    }

    [Theory]
    [InlineData("max=abc\nlearned=2026-11-20T08:00:00Z\n", "line 1 is neither max=N")]
    [InlineData("max=4294967296\nlearned=2026-11-20T08:00:00Z\n", "line 1 is neither max=N")]
    [InlineData("learned=2026-11-20T08:00:00Z\n", "no max= line")]
    [InlineData("max=120\n", "no learned= line")]
    public void LogsAndIgnoresACorruptStateFile(string content, string problem)
    {
        File.WriteAllText(StateFile, content);
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100));

        Assert.Equal(PollOutcome.Completed, harness.Poll().Outcome);

        Assert.Equal(100, harness.Tree.ReadNumber(FakeProcTree.ModernMax));
        var ignored = Assert.Single(harness.Logged(LogEvents.LearnedMaxIgnored));
        Assert.Contains(StateFile, ignored.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ignored.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IgnoresAFifoOrAnOversizedFileWithoutHanging()
    {
        Command.RunChecked("mkfifo", StateFile);
        using (PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100)))
        {
            harness.Poll();
            Assert.Contains("not a regular file", Assert.Single(harness.Logged(LogEvents.LearnedMaxIgnored)).Message, StringComparison.Ordinal);
        }

        File.Delete(StateFile);
        File.WriteAllText(StateFile, new string('#', 10_000));
        using (PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100)))
        {
            harness.Poll();
            Assert.Contains("larger than 4096 bytes", Assert.Single(harness.Logged(LogEvents.LearnedMaxIgnored)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SaysSoWhenThereIsNoLearnedMaxYet()
    {
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100));

        harness.Poll();

        Assert.Contains(StateFile, Assert.Single(harness.Logged(LogEvents.LearnedMaxNone)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogsOnceWhenTheStateCannotBeWrittenAndKeepsRaising()
    {
        using PollHarness harness = new(FakeProcTree.Modern(count: 65, max: 100), ("Conntrack:StateDirectory", "/nonexistent-state-directory"));

        Assert.True(harness.Poll().Raised);
        harness.Tree.Write(FakeProcTree.ModernCount, "80\n");
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(harness.Poll().Raised);

        Assert.Contains("/nonexistent-state-directory/learned-max", Assert.Single(harness.Logged(LogEvents.LearnedMaxNotSaved)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALinkAtTheStateFileIsNotFollowedAndNothingOfItsTargetIsQuoted()
    {
        using var elsewhere = new TempDirectory();
        string secret = elsewhere.Combine("shadow");
        File.WriteAllText(secret, "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n");
        File.CreateSymbolicLink(StateFile, secret);
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100));

        harness.Poll();

        string message = Assert.Single(harness.Logged(LogEvents.LearnedMaxIgnored)).Message;
        Assert.Contains("a symbolic link, which is not followed", message, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACorruptFileIsReportedByItsLineNumberNotItsContent()
    {
        File.WriteAllText(StateFile, "max=120\nsecret=hunter2\n");
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 10, max: 100));

        harness.Poll();

        string message = Assert.Single(harness.Logged(LogEvents.LearnedMaxIgnored)).Message;
        Assert.Contains("line 2 is neither max=N", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesTheFileReadableByAllThroughItsDescriptorWhateverTheUmask()
    {
        using PollHarness harness = Harness(FakeProcTree.Modern(count: 65, max: 100));
        // The unit's UMask=0077 would make it rw------- through open(2)'s mode alone; umask 000, rw-rw-rw-.
        int before = Umask(0b000_111_111);
        try
        {
            Assert.True(harness.Poll().Raised);
        }
        finally
        {
            Assert.Equal(0b000_111_111, Umask(before));
        }

        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(StateFile));
    }

    [Theory]
    [InlineData("world-writable")]
    [InlineData("another user's")]
    [InlineData("another user's link")]
    public void RefusesAStateDirectoryAnotherUserCouldChangeAndSaysWhy(string kind)
    {
        Prerequisite.RequireRoot();
        using var parent = new TempDirectory();
        string directory = parent.Combine("state");
        Directory.CreateDirectory(directory);
        string configured = directory;
        string expected;
        switch (kind)
        {
            case "world-writable":
                File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
                expected = "writable by every user without the sticky bit";
                break;
            case "another user's":
                Command.RunChecked("chown", "65534", directory);
                expected = "is owned by uid 65534";
                break;
            default:
                configured = parent.Combine("link");
                File.CreateSymbolicLink(configured, directory);
                Command.RunChecked("chown", "-h", "65534", configured);
                expected = "is a symbolic link made by uid 65534";
                break;
        }

        File.WriteAllText(Path.Combine(directory, LearnedMaxStore.FileName), "max=120\nlearned=2026-11-20T08:00:00Z\n");
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100), ("Conntrack:StateDirectory", configured));

        Assert.True(harness.Poll().Raised); // to 120, from the kernel's 100: the planted 120 was not restored

        Assert.Contains(expected, Assert.Single(harness.Logged(LogEvents.LearnedMaxIgnored)).Message, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Single(harness.Logged(LogEvents.LearnedMaxNotSaved)).Message, StringComparison.Ordinal);
        Assert.Empty(harness.Logged(LogEvents.LearnedMaxRestored));
        Assert.Equal([LearnedMaxStore.FileName], Directory.GetFiles(directory).Select(Path.GetFileName)); // nothing written beside it
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "umask")]
    private static extern int Umask(int mask);
}
