using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ConntrackWatch.Tests.Kernel.Namespaces;

public sealed class NamespaceWatcherTests : IDisposable
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(10);

    private readonly FakeProcTree _tree = FakeProcTree.Modern(count: 5, max: 1000);
    private readonly FakeTimeProvider _time = new();
    private readonly NamespaceWatcher _watcher;

    public NamespaceWatcherTests()
    {
        _watcher = new NamespaceWatcher(_time);
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _tree.Dispose();
    }

    [Fact]
    public void ReadsEachProcessNamespaceOnceWithItsCountDropsAndName()
    {
        _tree.WithHostProcess(1)
            .WithProcessNamespace(100, entries: 700, drop: 9, cgroup: "0::/system.slice/docker-a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2.scope\n")
            .WithProcessSharing(101, sharedWith: 100)
            .WithProcessNamespace(200, entries: 300, comm: "dnsmasq\n");

        NamespaceSet set = _watcher.Read(_tree.Root, ScanInterval);

        Assert.Null(set.Limitation);
        Assert.Equal(
            [("container a1b2c3d4e5f6", _tree.NamespaceInodeOf(100), 700L, 9L), ("pid 200 (dnsmasq)", _tree.NamespaceInodeOf(200), 300L, 0L)],
            set.Others.OrderByDescending(n => n.Count).Select(n => (n.Name, n.Inode!.Value, n.Count, n.Counters.TableFull)));
        Assert.Equal(1005, set.TotalWith(5));
    }

    [Fact]
    public void FollowsTheCountAtEveryReadWithoutAScan()
    {
        _tree.WithProcessNamespace(100, entries: 10);
        Assert.Equal(10, _watcher.Read(_tree.Root, ScanInterval).Others.Single().Count);

        _tree.WithProcessNamespace(100, entries: 20); // the kernel's file shows the new count at the next read

        Assert.Equal(20, _watcher.Read(_tree.Root, ScanInterval).Others.Single().Count);
    }

    [Fact]
    public void FindsANewNamespaceAtTheNextScanNotBefore()
    {
        _watcher.Read(_tree.Root, ScanInterval);
        _tree.WithProcessNamespace(300, entries: 42);

        Assert.Empty(_watcher.Read(_tree.Root, ScanInterval).Others);

        _time.Advance(ScanInterval);
        Assert.Equal(42, _watcher.Read(_tree.Root, ScanInterval).Others.Single().Count);
    }

    [Fact]
    public void AVanishedNamespaceIsGoneAtOnceWithoutAnError()
    {
        _tree.WithProcessNamespace(100, entries: 10).WithProcessNamespace(200, entries: 20);
        Assert.Equal(2, _watcher.Read(_tree.Root, ScanInterval).Others.Count);

        _tree.WithoutProcess(200);
        NamespaceSet set = _watcher.Read(_tree.Root, ScanInterval);

        Assert.Equal([10L], set.Others.Select(n => n.Count));
        Assert.True(set.Others.All(n => n.IsOk));
    }

    [Fact]
    public void ANamespaceOutlivesItsFirstProcessWhileAnotherIsInIt()
    {
        _tree.WithProcessNamespace(100, entries: 10).WithProcessSharing(101, sharedWith: 100);
        Assert.Single(_watcher.Read(_tree.Root, ScanInterval).Others);

        // The first process exits; the namespace's files stay, reached through the second (a rescan at once).
        string kept = _tree.PathOf("kept");
        Directory.Move(_tree.PathOf("100"), kept);
        File.Delete(_tree.PathOf("101/net"));
        File.Delete(_tree.PathOf("101/ns"));
        File.CreateSymbolicLink(_tree.PathOf("101/net"), Path.Combine(kept, "net"));
        File.CreateSymbolicLink(_tree.PathOf("101/ns"), Path.Combine(kept, "ns"));

        NamespaceReading only = _watcher.Read(_tree.Root, ScanInterval).Others.Single();

        Assert.Equal(10, only.Count);
        Assert.Equal("pid 101 (worker)", only.Name);
    }

    [Fact]
    public void AMalformedStatFileIsAFaultNamingTheFileAndNotACount()
    {
        _tree.WithProcessNamespace(100, entries: 10).Write("100/net/stat/nf_conntrack", "entries drop early_drop insert_failed\nzz 0 0 0\n");

        NamespaceReading faulted = _watcher.Read(_tree.Root, ScanInterval).Others.Single();

        Assert.False(faulted.IsOk);
        Assert.Contains("100/net/stat/nf_conntrack", faulted.Fault, StringComparison.Ordinal);
        Assert.Contains("'zz 0 0 0'", faulted.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAStatFileOnlyTheHostIsWatchedAndItSaysWhy()
    {
        _tree.WithProcessNamespace(100, entries: 10).Delete(FakeProcTree.Stat);

        NamespaceSet set = _watcher.Read(_tree.Root, ScanInterval);

        Assert.Empty(set.Others);
        Assert.Contains("CONFIG_NF_CONNTRACK_PROCFS", set.Limitation, StringComparison.Ordinal);
    }

    [Fact]
    public void AFifoInPlaceOfAStatFileIsSkippedNotWaitedOn()
    {
        _tree.WithProcessNamespace(100, entries: 10).WithProcessNamespace(200, entries: 20).WithFifo("200/net/stat/nf_conntrack");

        NamespaceSet set = _watcher.Read(_tree.Root, ScanInterval);

        Assert.Equal([10L], set.Others.Select(n => n.Count));
    }

    [Fact]
    public void ASteadyReadAllocatesNothing()
    {
        for (int pid = 100; pid < 120; pid++)
        {
            _tree.WithProcessNamespace(pid, entries: pid);
        }

        long allocated = Allocations.OfSteadyState(() => _watcher.Read(_tree.Root, ScanInterval));

        Assert.Equal(20, _watcher.Read(_tree.Root, ScanInterval).Others.Count);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void AScanOfManyProcessesAllocatesNothing()
    {
        // The daemon scans every 10 s; a GC that rarely runs would keep whatever a scan leaves, hour after hour.
        // 502 processes take more than one getdents64 batch.
        for (int pid = 1; pid <= 500; pid++)
        {
            _tree.WithHostProcess(pid);
        }

        _tree.WithProcessNamespace(1000, entries: 5).WithProcessNamespace(1001, entries: 6);

        long perScan = Allocations.OfSteadyState(() => _watcher.Read(_tree.Root, TimeSpan.Zero));

        Assert.Equal(2, _watcher.Read(_tree.Root, TimeSpan.Zero).Others.Count);
        Assert.Equal(0, perScan);
    }
}
