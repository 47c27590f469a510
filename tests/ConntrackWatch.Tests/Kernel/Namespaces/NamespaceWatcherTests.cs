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
    public void ANamespaceWhoseStatFileCannotBeReadIsListedAsNotVisibleNeverLeftOut()
    {
        _tree.WithProcessNamespace(100, entries: 900, comm: "hidden\n").WithProcessNamespace(200, entries: 3);
        File.Delete(_tree.PathOf($"100/{FakeProcTree.Stat}"));
        Command.RunChecked("mkfifo", _tree.PathOf($"100/{FakeProcTree.Stat}"));

        NamespaceSet set = _watcher.Read(_tree.Root, ScanInterval);

        Assert.Equal(["pid 200 (sleep)"], set.Others.Select(n => n.Name));
        string unseen = Assert.Single(set.Unseen);
        Assert.StartsWith($"pid 100 (hidden) (ns {_tree.NamespaceInodeOf(100)}): its stat file {_tree.PathOf($"100/{FakeProcTree.Stat}")} cannot be read (not a regular file but a FIFO", unseen, StringComparison.Ordinal);
        _time.Advance(ScanInterval);
        Assert.Same(set.Sight, _watcher.Read(_tree.Root, ScanInterval).Sight); // said once, kept while it lasts: no new sight, no garbage
    }

    [Fact]
    public void ANamespaceOfAUserNamespaceOfItsOwnIsTheUsersAndTheHostsOthersAreTheSystems()
    {
        _tree.WithProcessNamespace(100, entries: 1, uidMap: "         0      65534          1")
            .WithProcessNamespace(200, entries: 2, uidMap: "         0          0 4294967295")
            .WithProcessNamespace(300, entries: 3, uidMap: string.Empty) // unshare -U before its map is written
            .WithProcessNamespace(400, entries: 4);

        NamespaceSet set = _watcher.Read(_tree.Root, ScanInterval);

        Assert.Equal(
            [(1L, NamespaceOwner.User), (2L, NamespaceOwner.System), (3L, NamespaceOwner.User), (4L, NamespaceOwner.System)],
            set.Others.OrderBy(n => n.Count).Select(n => (n.Count, n.Owner)));
    }

    [Fact]
    public void UsersGetOnlyTheirShareOfTheCapAndWhatIsLeftOutIsNamedAndTakenInOnceThereIsRoom()
    {
        using var watcher = new NamespaceWatcher(_time, maxNamespaces: 4, maxUserNamespaces: 1);
        const string Users = "0 65534 1";
        _tree.WithProcessNamespace(100, entries: 1, uidMap: Users).WithProcessNamespace(101, entries: 2, uidMap: Users)
            .WithProcessNamespace(200, entries: 3).WithProcessNamespace(201, entries: 4).WithProcessNamespace(202, entries: 5);

        NamespaceSet set = watcher.Read(_tree.Root, ScanInterval);

        // Which of each kind is found first is the listing's order; how many of each, the caps'.
        Assert.Single(set.Others, n => n.Owner == NamespaceOwner.User);
        Assert.Equal(3, set.Others.Count(n => n.Owner == NamespaceOwner.System));
        Assert.Equal("1 namespaces owned by unprivileged users were found beyond the 1 of theirs watched; they are not read", set.Limitation);

        int[] watched = [.. set.Others.Select(n => n.Count switch { 1 => 100, 2 => 101, 3 => 200, 4 => 201, _ => 202 })];
        _tree.WithoutProcess(watched.First(p => p < 200)).WithoutProcess(watched.First(p => p >= 200));
        set = watcher.Read(_tree.Root, ScanInterval); // a namespace gone: looked for again at once

        Assert.Equal(3, set.Others.Count);
        Assert.Single(set.Others, n => n.Owner == NamespaceOwner.User); // the one left out, taken in
        Assert.Null(set.Limitation);
        _tree.WithProcessNamespace(300, entries: 6).WithProcessNamespace(301, entries: 7);
        _time.Advance(ScanInterval);
        Assert.Equal("1 more namespaces were found than the 4 watched; they are not read", watcher.Read(_tree.Root, ScanInterval).Limitation);
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
    public void ASetKeptPastTheNextReadThrowsRatherThanShowThatReadsCounts()
    {
        _tree.WithProcessNamespace(100, entries: 10);
        NamespaceSet first = _watcher.Read(_tree.Root, ScanInterval);
        NamespaceReading[] copied = first.Others.ToArray();
        _tree.WithProcessNamespace(100, entries: 20);

        NamespaceSet second = _watcher.Read(_tree.Root, ScanInterval);

        Assert.Equal(20, second.Others.Single().Count);
        Assert.Throws<InvalidOperationException>(() => first.Others.Single()); // not 20 shown as the first read's count
        Assert.Throws<InvalidOperationException>(() => first.TotalWith(0));
        Assert.Equal(10, copied.Single().Count);
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

        _tree.WithProcessNamespace(1000, entries: 5).WithProcessNamespace(1001, entries: 6)
            .Write("net/fib_trie", Trie("192.0.2.2")).Write("1000/net/fib_trie", Trie("172.17.0.2")).Write("1001/net/if_inet6", "fd000000000000000000000000000002 04 40 00 82     eth0\n");

        long perScan = Allocations.OfSteadyState(() => _watcher.Read(_tree.Root, TimeSpan.Zero));

        Assert.Equal(2, _watcher.Read(_tree.Root, TimeSpan.Zero).Others.Count);
        Assert.Equal(0, perScan);
    }

    [Fact]
    public void TheAddressesOfEachNamespaceAreKeptWithTheScanAndReadAgainAtTheNext()
    {
        _tree.Write("net/fib_trie", Trie("192.0.2.2"))
            .WithProcessNamespace(100, entries: 1).Write("100/net/fib_trie", Trie("172.17.0.2"))
            .Write("100/net/if_inet6", "fd000000000000000000000000000002 04 40 00 82     eth0\n")
            .WithProcessNamespace(200, entries: 2, uidMap: "0 65534 1").Write("200/net/fib_trie", Trie("198.51.100.66"))
            .WithProcessNamespace(300, entries: 3); // no fib_trie: said, not a fault of the namespace

        NamespaceSet first = _watcher.Read(_tree.Root, ScanInterval);

        Assert.Equal(["192.0.2.2"], Shown(first.HostAddresses));
        NamespaceAddresses container = first.Others.Single(n => n.Count == 1).Addresses!;
        Assert.Equal(["172.17.0.2", "fd00::2"], Shown(container));
        Assert.Null(first.Others.Single(n => n.Count == 2).Addresses); // a user's namespace is believed for no address
        NamespaceReading bare = first.Others.Single(n => n.Count == 3);
        Assert.True(bare.IsOk);
        Assert.StartsWith($"{_tree.PathOf("300/net/fib_trie")}: ", bare.Addresses!.Problem, StringComparison.Ordinal);

        _tree.Write("100/net/fib_trie", Trie("172.17.0.3"));
        NamespaceSet between = _watcher.Read(_tree.Root, ScanInterval);
        Assert.Same(container, between.Others.Single(n => n.Count == 1).Addresses); // a poll reads no address file

        _time.Advance(ScanInterval);
        NamespaceSet next = _watcher.Read(_tree.Root, ScanInterval);
        Assert.Equal(["172.17.0.3", "fd00::2"], Shown(next.Others.Single(n => n.Count == 1).Addresses));
        Assert.Same(first.HostAddresses, next.HostAddresses); // unchanged: the same value, nothing made
        Assert.Same(bare.Addresses, next.Others.Single(n => n.Count == 3).Addresses); // the same failure, said once
    }

    [Fact]
    public void AnAddressFileThatIsNotARegularFileIsNotReadAndSaysWhatItIs()
    {
        _tree.WithProcessNamespace(100, entries: 1).WithFifo("100/net/fib_trie");

        NamespaceAddresses addresses = _watcher.Read(_tree.Root, ScanInterval).Others.Single().Addresses!;

        Assert.Empty(addresses.Addresses);
        Assert.Equal($"{_tree.PathOf("100/net/fib_trie")}: a FIFO", addresses.Problem);
    }

    private static string Trie(string address) => $"Local:\n  +-- 0.0.0.0/0 3 0 5\n     |-- {address}\n        /32 host LOCAL\n";

    private static string[] Shown(NamespaceAddresses? addresses) => [.. addresses!.Addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal)];
}
