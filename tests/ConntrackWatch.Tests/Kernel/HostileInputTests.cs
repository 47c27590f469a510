using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using ConntrackWatch.Service;

namespace ConntrackWatch.Tests.Kernel;

/// <summary>
/// Whatever sits where a kernel file should be (a ProcRoot mistake, a hostile host) ends in a fault naming the path
/// and the value: never a hang, a crash or unbounded memory.
/// </summary>
public sealed class HostileInputTests
{
    private static PollReport PollWithin(PollHarness harness)
    {
        // A poll that blocked in open(2) would never come back: give it a deadline instead of hanging the run.
        Task<PollReport> poll = Task.Run(harness.Poll);
        Assert.True(poll.Wait(TimeSpan.FromSeconds(20)), "the poll did not return");
        return poll.Result;
    }

    [Theory]
    [InlineData(FakeProcTree.ModernCount)]
    [InlineData(FakeProcTree.ModernMax)]
    public void RefusesAFifoWithoutBlocking(string file)
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 10, max: 100).WithFifo(file));

        PollReport report = PollWithin(harness);

        Assert.Equal(PollOutcome.Skipped, report.Outcome);
        Assert.Contains($"{harness.Tree.PathOf(file)}: not a regular file but a FIFO", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAnEndlessDeviceAsTheTable()
    {
        using var harness = new PollHarness(
            FakeProcTree.Modern(count: 10, max: 100).Delete(FakeProcTree.ModernCount).LinkTo(FakeProcTree.ModernTable, "/dev/zero"));

        PollReport report = PollWithin(harness);

        Assert.Equal(PollOutcome.Skipped, report.Outcome);
        Assert.Contains("not a regular file but a character device", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SaysADirectoryIsADirectoryNotAPermissionProblem()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100).Delete(FakeProcTree.ModernCount);
        Directory.CreateDirectory(tree.PathOf(FakeProcTree.ModernCount));
        using var harness = new PollHarness(tree, ("Conntrack:CountSource", "CountFile"));

        PollReport report = PollWithin(harness);

        Assert.Contains("not a regular file but a directory", report.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("permission denied", report.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/urandom", "not a regular file but a character device")]
    [InlineData(null, "larger than 512 KiB")]
    public void GivesUpOnAMemInfoThatIsNoMemInfoAndStillPolls(string? device, string problem)
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 70, max: 100);
        if (device is null)
        {
            tree.Write("meminfo", new string('x', 600 * 1024));
        }
        else
        {
            tree.LinkTo("meminfo", device);
        }

        using var harness = new PollHarness(tree);

        PollReport report = PollWithin(harness);

        Assert.Equal(PollOutcome.Completed, report.Outcome);
        Assert.Equal(ConntrackWatch.Decisions.DecisionKind.RefusedNoCeiling, report.Decision.Kind);
        Assert.Contains(problem, Assert.Single(harness.Logged(LogEvents.CeilingFault)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TakesAMemTotalBeyondAnyMachineAsMalformedNotAsACrash()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 70, max: 100).WithMemInfo(99_999_999_999_999_999));

        Assert.Equal(PollOutcome.Completed, PollWithin(harness).Outcome);
        harness.Poll();

        var fault = Assert.Single(harness.Logged(LogEvents.CeilingFault)); // rate-limited like every fault
        Assert.Contains("MemTotal of 99999999999999999 kB is more memory than a 64-bit kernel can address", fault.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Logged(LogEvents.PollFailed));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void IgnoresASlabObjectSizeNoKernelHas(int objectSize)
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 0, max: 100, memTotalKib: 1024 * 1024).WithSlabInfo(objectSize);

        KernelResult<MemoryCeiling?> read = MemoryCeilingReader.Read(new CeilingSettings(tree.Root, 70, null));

        Assert.True(read.IsOk);
        Assert.Equal(MemoryCeiling.DefaultBytesPerEntry, read.Value!.BytesPerEntry);
        Assert.Contains($"nf_conntrack objects of {objectSize} bytes, outside 64 to 65536", read.Value.BytesPerEntrySource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4294967296")]
    [InlineData("9223372036854775807")]
    public void TakesAMaxBeyondTheKernelsIntAsMalformed(string max)
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 10, max: 100).Write(FakeProcTree.ModernMax, max + "\n"));

        PollReport report = PollWithin(harness);

        Assert.Equal(PollOutcome.Skipped, report.Outcome);
        Assert.Contains($"{max} is beyond the kernel's int range (at most 2147483647)", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsTheStatCountersAsUnsigned()
    {
        const string Header = "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n";
        const string Cpu = "00000000  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 ffffffff 00000000 00000000  00000000 00000000 00000000 00000000\n";

        Assert.True(ProcStatCounters.TryParse(System.Text.Encoding.ASCII.GetBytes(Header + Cpu + Cpu), out ConntrackCounters counters, out string? problem), problem);

        Assert.Equal(2L * uint.MaxValue, counters.Drop);
    }

    [Fact]
    public void RefusesAStatFileLargerThanAnyKernelWrites()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100).Write(FakeProcTree.Stat, new string('0', 1024 * 1024));
        using var reader = new CountersReader();

        KernelResult<ConntrackCounters> read = reader.Read(tree.Root, StatsSource.File);

        Assert.Equal(ReadStatus.Malformed, read.Status);
        Assert.Contains("larger than 512 KiB", read.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void GivesUpCountingATableThatTakesLongerThanItsTimeLimit()
    {
        using FakeProcTree tree = new FakeProcTree().WithTable(FakeProcTree.ModernTable, 10_000);
        var counter = new LineCounter(bufferSize: 4096, timeLimit: TimeSpan.Zero);

        KernelResult<long> read = counter.CountLines(tree.PathOf(FakeProcTree.ModernTable));

        Assert.Equal(ReadStatus.Failed, read.Status);
        Assert.Contains("counting its lines took longer than 0 s", read.Detail, StringComparison.Ordinal);
        Assert.Contains("Conntrack:CountSource=CountFile", read.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void GoesBackToTheCountFileWhenItReturns()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 3, max: 100).WithTable(FakeProcTree.ModernTable, 3).Delete(FakeProcTree.ModernCount);
        using var harness = new PollHarness(tree);
        Assert.Equal(tree.PathOf(FakeProcTree.ModernTable), harness.Poll().Reading.Count.Path);

        tree.Write(FakeProcTree.ModernCount, "3\n");

        Assert.Equal(tree.PathOf(FakeProcTree.ModernCount), harness.Poll().Reading.Count.Path);
        Assert.Equal(2, harness.Logged(LogEvents.LayoutDetected).Count); // the switch is announced
    }
}
