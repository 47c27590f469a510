using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Decisions;

public sealed class MemoryCeilingTests
{
    [Fact]
    public void ComputesEntriesInBytesNotMixedUnits()
    {
        // 16 GiB x 70% / 320 bytes = 37580963.84 entries.
        Assert.Equal(37_580_963, MemoryCeiling.ComputeEntries(16L * 1024 * 1024 * 1024, 70, 320));
    }

    [Fact]
    public void StaysExactForHugeMemory()
    {
        // bytes x percent overflows a long here; the ceiling must still be exact.
        long memory = long.MaxValue / 2;
        long expected = (long)decimal.Floor((decimal)memory * 95 / 100 / 64);

        Assert.Equal(expected, MemoryCeiling.ComputeEntries(memory, 95, 64));
    }

    [Fact]
    public void DerivesBytesPerEntryFromSlabInfoPlusABucketPointer()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 0, max: 100, memTotalKib: 1024 * 1024).WithSlabInfo(256);

        CeilingRead read = MemoryCeilingReader.Read(new ConntrackOptions { ProcRoot = tree.Root });

        Assert.Null(read.Fault);
        Assert.Equal(256 + IntPtr.Size, read.Ceiling!.BytesPerEntry);
        Assert.Equal(1024L * 1024 * 1024 * 70 / 100 / (256 + IntPtr.Size), read.Ceiling.Entries);
    }

    [Fact]
    public void UsesTheConfiguredBytesPerEntryOverSlabInfo()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 0, max: 100, memTotalKib: 1024 * 1024);

        CeilingRead read = MemoryCeilingReader.Read(new ConntrackOptions { ProcRoot = tree.Root, BytesPerEntry = 1000 });

        Assert.Equal(1000, read.Ceiling!.BytesPerEntry);
        Assert.Equal("Conntrack:BytesPerEntry", read.Ceiling.BytesPerEntrySource);
    }

    [Fact]
    public void FallsBackTo320BytesWithoutSlabInfo()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 0, max: 100).Delete("slabinfo");

        CeilingRead read = MemoryCeilingReader.Read(new ConntrackOptions { ProcRoot = tree.Root });

        Assert.Equal(320, read.Ceiling!.BytesPerEntry);
        Assert.Contains("not readable", read.Ceiling.BytesPerEntrySource, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesMemInfoWhenItIsMalformed()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 0, max: 100).Write("meminfo", "MemFree: 12 kB\n");

        CeilingRead read = MemoryCeilingReader.Read(new ConntrackOptions { ProcRoot = tree.Root });

        Assert.Null(read.Ceiling);
        Assert.Equal(ReadStatus.Malformed, read.Fault!.Value.Status);
        Assert.Equal(tree.PathOf("meminfo"), read.Fault.Value.Path);
    }
}
