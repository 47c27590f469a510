using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Kernel.Namespaces;

public sealed class ProcDirectoryTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly byte[] _buffer = new byte[DirectoryListing.BufferSize];
    private readonly List<int> _pids = [];

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ListsEveryProcessIdAcrossManyBatchesAndNothingElse()
    {
        // 3,000 entries do not fit one getdents64 batch of 16 KiB; names that are not a pid are passed over.
        for (int pid = 1; pid <= 3000; pid++)
        {
            Directory.CreateDirectory(_directory.Combine(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        foreach (string name in new[] { "self", "0", "012", "12a", "4294967296", "99999999999", "net" })
        {
            Directory.CreateDirectory(_directory.Combine(name));
        }

        ProcDirectory.Pids(_directory.Path, _pids, _buffer);

        Assert.Equal(Enumerable.Range(1, 3000), _pids.Order());
    }

    [Fact]
    public void ListsWhatTheRealProcListsAsNumbers()
    {
        ProcDirectory.Pids("/proc", _pids, _buffer);

        Assert.Contains(Environment.ProcessId, _pids);
        Assert.Contains(1, _pids);
        Assert.All(_pids, pid => Assert.True(pid > 0));
    }

    [Fact]
    public void AMissingDirectoryOrAFifoListsNothingAndDoesNotBlock()
    {
        string fifo = _directory.Combine("fifo");
        Command.RunChecked("mkfifo", fifo);
        _pids.Add(42);

        ProcDirectory.Pids(_directory.Combine("gone"), _pids, _buffer);
        Assert.Empty(_pids);
        ProcDirectory.Pids(fifo, _pids, _buffer);
        Assert.Empty(_pids);
    }

    [Fact]
    public void ListingAllocatesNothingAndLeavesNoDescriptorOpen()
    {
        for (int pid = 1; pid <= 500; pid++)
        {
            Directory.CreateDirectory(_directory.Combine(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        long allocated = Allocations.OfSteadyState(() =>
        {
            ProcDirectory.Pids(_directory.Path, _pids, _buffer);
        });

        Assert.Equal(500, _pids.Count);
        Assert.Equal(0, allocated);

        // A leak would leave 1,000 descriptors; other tests of this process may open a few meanwhile.
        int descriptors = Directory.GetFiles("/proc/self/fd").Length;
        for (int i = 0; i < 1000; i++)
        {
            ProcDirectory.Pids(_directory.Path, _pids, _buffer);
        }

        Assert.True(Directory.GetFiles("/proc/self/fd").Length - descriptors < 100, "listings leave their directories open");
    }
}
