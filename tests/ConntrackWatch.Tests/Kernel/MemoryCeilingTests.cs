using ConntrackWatch.Kernel;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Kernel;

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

        KernelResult<MemoryCeiling?> read = MemoryCeilingReader.Read(new CeilingSettings(tree.Root, 70, null));

        Assert.Null(read.Fault);
        Assert.Equal(256 + IntPtr.Size, read.Value!.BytesPerEntry);
        Assert.Equal(1024L * 1024 * 1024 * 70 / 100 / (256 + IntPtr.Size), read.Value.Entries);
    }

    [Fact]
    public void UsesTheConfiguredBytesPerEntryOverSlabInfo()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 0, max: 100, memTotalKib: 1024 * 1024);

        KernelResult<MemoryCeiling?> read = MemoryCeilingReader.Read(new CeilingSettings(tree.Root, 70, 1000));

        Assert.Equal(1000, read.Value!.BytesPerEntry);
        Assert.Equal("Conntrack:BytesPerEntry", read.Value.BytesPerEntrySource);
    }

    [Fact]
    public void FallsBackTo320BytesWithoutSlabInfo()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 0, max: 100).Delete("slabinfo");

        KernelResult<MemoryCeiling?> read = MemoryCeilingReader.Read(new CeilingSettings(tree.Root, 70, null));

        Assert.Equal(320, read.Value!.BytesPerEntry);
        Assert.Contains("not readable", read.Value.BytesPerEntrySource, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesMemInfoWhenItIsMalformed()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 0, max: 100).Write("meminfo", "MemFree: 12 kB\n");

        KernelResult<MemoryCeiling?> read = MemoryCeilingReader.Read(new CeilingSettings(tree.Root, 70, null));

        Assert.Null(read.Value);
        Assert.Equal(ReadStatus.Malformed, read.Fault!.Value.Status);
        Assert.Equal(tree.PathOf("meminfo"), read.Fault.Value.Path);
    }
}
