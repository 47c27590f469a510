using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Tests.Support;
using ConntrackWatch.Tests.Support.RealKernel;
using Microsoft.Extensions.Time.Testing;

namespace ConntrackWatch.Tests.Kernel.Namespaces;

/// <summary>
/// How the watcher learns, between scans, that a namespace went, on the real kernel: a pidfd for a process's, an
/// inotify watch for a bind mount's; and how a namespace its process left is let go at the next scan. The scan
/// interval is an hour on a clock that does not move unless the test moves it, so no scan hides what the poll did.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class LivenessWatchTests : IDisposable
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _time = new();
    private readonly NamespaceWatcher _watcher;

    public LivenessWatchTests()
    {
        _watcher = new NamespaceWatcher(_time);
    }

    public void Dispose() => _watcher.Dispose();

    private static void RequireKernel()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        Prerequisite.Require(File.Exists("/proc/net/stat/nf_conntrack"), "needs CONFIG_NF_CONNTRACK_PROCFS (namespaces are read through their stat file)");
        Prerequisite.RequireExecutable("unshare");
    }

    private static long InodeOf(int pid) =>
        ProcDirectory.NamespaceInode($"/proc/{pid}/ns/net") ?? throw new InvalidOperationException($"/proc/{pid}/ns/net is not readable");

    private long[] WatchedInodes() => [.. _watcher.Read("/proc", ScanInterval).Others.Select(n => n.Inode ?? 0)];

    [Fact]
    public async Task ANamespaceIsGoneAtTheReadAfterItsOnlyProcessExitsWithNoScanBetween()
    {
        RequireKernel();
        using var sleeper = DaemonProcess.Start(["-n", "sleep", "60"], binary: "unshare");
        await Eventually.TrueAsync(() => InodeOf(sleeper.Pid) != InodeOf(Environment.ProcessId), "the process is in a namespace of its own");
        long inode = InodeOf(sleeper.Pid);
        Assert.Contains(inode, WatchedInodes());

        sleeper.Signal(DaemonProcess.Sigkill);
        await sleeper.WaitForExitAsync(TimeSpan.FromSeconds(10));

        Assert.DoesNotContain(inode, WatchedInodes());
    }

    [Fact]
    public async Task MoreExitsAtOnceThanOneWaitReturnsAreAllSeenAndTheReadEnds()
    {
        // 100 processes, each in a namespace of its own, killed together: their pidfds stay readable until the read
        // removes them, more of them than one epoll_wait returns. The read must end, and find every one gone.
        RequireKernel();
        var sleepers = new List<DaemonProcess>();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                sleepers.Add(DaemonProcess.Start(["-n", "sleep", "60"], binary: "unshare"));
            }

            long own = InodeOf(Environment.ProcessId);
            await Eventually.TrueAsync(() => sleepers.All(s => File.Exists($"/proc/{s.Pid}/ns/net") && InodeOf(s.Pid) != own), "every process is in a namespace of its own");
            long[] inodes = [.. sleepers.Select(s => InodeOf(s.Pid))];
            Assert.Equal(100, WatchedInodes().Intersect(inodes).Count());

            sleepers.ForEach(s => s.Signal(DaemonProcess.Sigkill));
            foreach (DaemonProcess sleeper in sleepers)
            {
                await sleeper.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }

            Task<long[]> read = Task.Run(WatchedInodes, TestContext.Current.CancellationToken);
            Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken))); // else it never ended
            Assert.Empty((await read).Intersect(inodes));
        }
        finally
        {
            sleepers.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void ABindMountDeletedIsGoneAtTheNextReadWithNoScanBetween()
    {
        RequireKernel();
        using var kept = new NetworkNamespace();
        var deleted = new NetworkNamespace();
        try
        {
            long inode = deleted.Inode;
            Assert.Contains(inode, WatchedInodes());
            Assert.Contains(kept.Inode, WatchedInodes());

            deleted.Dispose(); // ip netns delete: unmounted and unlinked

            long[] after = WatchedInodes();
            Assert.DoesNotContain(inode, after);
            Assert.Contains(kept.Inode, after);
        }
        finally
        {
            deleted.Dispose();
        }
    }

    [Fact]
    public async Task ANamespaceWhoseProcessMovedToAnotherIsWatchedThroughOneStillInItFromTheNextScan()
    {
        RequireKernel();
        string nsenter = Prerequisite.RequireExecutable("nsenter");
        // The mover, first in a new namespace, then (unshare -n, exec) in a second; a stayer joins the first. The
        // first is found through the mover (the lower pid, listed first): its pidfd says nothing when it moves, and
        // the path a breakdown enters would be the second namespace's. The scan finds it out.
        using var mover = DaemonProcess.Start(["-n", "sh", "-c", "sleep 3; exec unshare -n sleep 60"], binary: "unshare");
        await Eventually.TrueAsync(() => InodeOf(mover.Pid) != InodeOf(Environment.ProcessId), "the mover is in a namespace of its own");
        long first = InodeOf(mover.Pid);
        using var stayer = DaemonProcess.Start(["-t", mover.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", "sleep", "60"], binary: nsenter);
        await Eventually.TrueAsync(() => File.Exists($"/proc/{stayer.Pid}/ns/net") && InodeOf(stayer.Pid) == first, "the stayer joined it");
        Assert.Equal($"/proc/{mover.Pid}/ns/net", PlaceOf(first));
        await Eventually.TrueAsync(() => InodeOf(mover.Pid) != first, "the mover moved to a second namespace");
        long second = InodeOf(mover.Pid);

        _time.Advance(ScanInterval);
        _watcher.Read("/proc", ScanInterval); // the scan that finds the move

        Assert.Equal($"/proc/{stayer.Pid}/ns/net", PlaceOf(first));
        Assert.Equal($"/proc/{mover.Pid}/ns/net", PlaceOf(second));
        mover.Signal(DaemonProcess.Sigkill);
        stayer.Signal(DaemonProcess.Sigkill);
    }

    private string? PlaceOf(long inode) =>
        _watcher.Read("/proc", ScanInterval).Others.SingleOrDefault(n => n.Inode == inode).Place?.EntryPath;
}
