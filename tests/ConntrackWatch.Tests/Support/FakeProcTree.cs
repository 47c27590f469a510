using System.Globalization;
using System.Text;

namespace ConntrackWatch.Tests.Support;

/// <summary>
/// A temporary /proc with the files ConntrackWatch reads, in the modern or the legacy layout, written with the
/// content real kernels produce.
/// </summary>
public sealed class FakeProcTree : IDisposable
{
    public const string ModernMax = "sys/net/netfilter/nf_conntrack_max";
    public const string ModernCount = "sys/net/netfilter/nf_conntrack_count";
    public const string ModernTable = "net/nf_conntrack";
    public const string LegacyMax = "sys/net/ipv4/netfilter/ip_conntrack_max";
    public const string LegacyCount = "sys/net/ipv4/netfilter/ip_conntrack_count";
    public const string LegacyTable = "net/ip_conntrack";

    /// <summary>A real line of /proc/net/nf_conntrack.</summary>
    public const string TableLine =
        "ipv4     2 udp      17 29 src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=9 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9 dport=40000 mark=0 zone=0 use=2\n";

    private readonly TempDirectory _directory = new();

    public string Root => _directory.Path;

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>A modern kernel: count file, max, meminfo of 16 GiB and a slabinfo with a 256-byte object.</summary>
    public static FakeProcTree Modern(long count, long max, long memTotalKib = 16L * 1024 * 1024) =>
        new FakeProcTree()
            .Write(ModernCount, $"{count}\n")
            .Write(ModernMax, $"{max}\n")
            .Write(ModernBuckets, $"{Math.Max(1, max / 4)}\n")
            .WithMemInfo(memTotalKib)
            .WithSlabInfo(256)
            .WithStat(entries: count);

    public const string ModernBuckets = "sys/net/netfilter/nf_conntrack_buckets";
    public const string Stat = "net/stat/nf_conntrack";

    /// <summary>
    /// /proc/net/stat/nf_conntrack as a 6.x kernel writes it for two CPUs; the counters given are split between
    /// them, so a reader must sum the CPUs.
    /// </summary>
    public FakeProcTree WithStat(long entries = 0, long drop = 0, long earlyDrop = 0, long insertFailed = 0, long chainTooLong = 0, long clashResolve = 0) =>
        Write(Stat, StatFile(entries, drop, earlyDrop, insertFailed, chainTooLong, clashResolve));

    /// <summary>
    /// A process <paramref name="pid"/> in a network namespace of its own: its net/stat/nf_conntrack with that
    /// namespace's count and drops, its cgroup and comm, and a file at ns/net whose inode stands for the namespace's.
    /// </summary>
    /// <param name="uidMap">Its uid_map: "0 65534 1" for a process in a user namespace of its own (unshare -r); none: the host's.</param>
    public FakeProcTree WithProcessNamespace(
        int pid, long entries, long drop = 0, string cgroup = "0::/\n", string comm = "sleep\n", string? uidMap = null)
    {
        string directory = pid.ToString(CultureInfo.InvariantCulture);
        Write($"{directory}/{Stat}", StatFile(entries, drop, 0, 0, 0))
            .Write($"{directory}/cgroup", cgroup)
            .Write($"{directory}/comm", comm)
            .Write($"{directory}/ns/net", string.Empty);
        return uidMap is null ? this : Write($"{directory}/uid_map", $"{uidMap}\n");
    }

    /// <summary>A process <paramref name="pid"/> in the same namespace as <paramref name="sharedWith"/>: its net and ns are theirs.</summary>
    public FakeProcTree WithProcessSharing(int pid, int sharedWith, string comm = "worker\n")
    {
        string directory = PathOf(pid.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        File.CreateSymbolicLink(Path.Combine(directory, "net"), PathOf($"{sharedWith}/net"));
        File.CreateSymbolicLink(Path.Combine(directory, "ns"), PathOf($"{sharedWith}/ns"));
        return Write($"{pid}/comm", comm).Write($"{pid}/cgroup", "0::/\n");
    }

    /// <summary>A process that lives in the host's namespace: its net is the tree's own.</summary>
    public FakeProcTree WithHostProcess(int pid)
    {
        string directory = PathOf(pid.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        File.CreateSymbolicLink(Path.Combine(directory, "net"), PathOf("net"));
        return Write($"{pid}/comm", "init\n");
    }

    /// <summary>The process exits: its /proc directory goes.</summary>
    public FakeProcTree WithoutProcess(int pid)
    {
        Directory.Delete(PathOf(pid.ToString(CultureInfo.InvariantCulture)), recursive: true);
        return this;
    }

    /// <summary>The inode standing for the namespace of <paramref name="pid"/> (its ns/net file).</summary>
    public long NamespaceInodeOf(int pid) =>
        ConntrackWatch.Kernel.FileIdentity.TryOf(PathOf($"{pid}/ns/net"), out ConntrackWatch.Kernel.FileIdentity identity)
            ? (long)identity.Inode
            : throw new FileNotFoundException($"pid {pid} has no ns/net in the tree");

    private static string StatFile(long entries, long drop, long earlyDrop, long insertFailed, long chainTooLong, long clashResolve = 0)
    {
        string Line(long d, long e, long f, long c, long r) => string.Create(CultureInfo.InvariantCulture,
            $"{entries:x8}  {r:x8} 00000000 00000000 00000000 00000000 00000000 {c:x8} 00000000 {f:x8} {d:x8} {e:x8} 00000000  00000000 00000000 00000000 00000000\n");
        return
            "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            Line(drop / 2, earlyDrop / 2, insertFailed / 2, chainTooLong / 2, clashResolve / 2) +
            Line(drop - (drop / 2), earlyDrop - (earlyDrop / 2), insertFailed - (insertFailed / 2), chainTooLong - (chainTooLong / 2), clashResolve - (clashResolve / 2));
    }

    /// <summary>A 2.6.x-era kernel: ip_conntrack files only, the count only as table lines.</summary>
    public static FakeProcTree Legacy(int entries, long max, long memTotalKib = 16L * 1024 * 1024) =>
        new FakeProcTree()
            .Write(LegacyMax, $"{max}\n")
            .WithTable(LegacyTable, entries)
            .WithMemInfo(memTotalKib);

    public FakeProcTree Write(string relative, string content)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    /// <summary>
    /// Makes <paramref name="relative"/> a link to kernel.ngroups_max, a real sysctl of mode 0444 holding 65536:
    /// what nf_conntrack_max and nf_conntrack_buckets are outside the initial network namespace, where the
    /// kernel refuses writes even to root.
    /// </summary>
    public FakeProcTree LinkToReadOnlySysctl(string relative)
    {
        const string readOnlySysctl = "/proc/sys/kernel/ngroups_max";
        Prerequisite.Require(File.Exists(readOnlySysctl), $"needs {readOnlySysctl}");
        File.Delete(PathOf(relative));
        File.CreateSymbolicLink(PathOf(relative), readOnlySysctl);
        return this;
    }

    /// <summary>Replaces <paramref name="relative"/> with a link to <paramref name="target"/>, e.g. /dev/zero.</summary>
    public FakeProcTree LinkTo(string relative, string target)
    {
        File.Delete(PathOf(relative));
        File.CreateSymbolicLink(PathOf(relative), target);
        return this;
    }

    /// <summary>Replaces <paramref name="relative"/> with a FIFO, which blocks whoever opens it for reading.</summary>
    public FakeProcTree WithFifo(string relative)
    {
        File.Delete(PathOf(relative));
        Command.RunChecked("mkfifo", PathOf(relative));
        return this;
    }

    public FakeProcTree Delete(string relative)
    {
        File.Delete(PathOf(relative));
        return this;
    }

    public FakeProcTree WithTable(string relative, int entries)
    {
        var table = new StringBuilder(entries * TableLine.Length);
        for (int i = 0; i < entries; i++)
        {
            table.Append(TableLine);
        }

        return Write(relative, table.ToString());
    }

    /// <summary>
    /// A table of <paramref name="entries"/> unreplied UDP entries from each source to the destination ports from
    /// <paramref name="firstPort"/> on, as /proc/net/nf_conntrack shows them, at <paramref name="relative"/>.
    /// </summary>
    public FakeProcTree WithUdpTable(string relative, int firstPort, params (string Source, int Entries)[] sources)
    {
        var table = new StringBuilder();
        foreach ((string source, int entries) in sources)
        {
            for (int i = 0; i < entries; i++)
            {
                int port = firstPort + i;
                table.Append(CultureInfo.InvariantCulture,
                    $"ipv4     2 udp      17 29 src={source} dst=127.0.0.1 sport=40000 dport={port} [UNREPLIED] src=127.0.0.1 dst={source} sport={port} dport=40000 mark=0 zone=0 use=2\n");
            }
        }

        return Write(relative, table.ToString());
    }

    /// <summary>The first lines of a real /proc/meminfo, with MemTotal not first so position is never trusted.</summary>
    public FakeProcTree WithMemInfo(long memTotalKib) => Write("meminfo",
        string.Create(CultureInfo.InvariantCulture,
            $"MemFree:        24576648 kB\nMemTotal:       {memTotalKib,8} kB\nMemAvailable:   24479860 kB\nBuffers:           19872 kB\n"));

    public FakeProcTree WithSlabInfo(int objectSize) => Write("slabinfo",
        "slabinfo - version: 2.1\n" +
        "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n" +
        "nf_conntrack_expect      0      0    208   19    1 : tunables    0    0    0 : slabdata      0      0      0\n" +
        string.Create(CultureInfo.InvariantCulture,
            $"nf_conntrack           0      0    {objectSize}   16    1 : tunables    0    0    0 : slabdata      0      0      0\n"));

    /// <summary>
    /// The number in a file of the tree. A running daemon rewrites a file as "echo N >" does (truncate, then
    /// write), so a read in between sees it empty: read again then, as a real sysctl never shows that state.
    /// </summary>
    public long ReadNumber(string relative)
    {
        for (int attempt = 0; ; attempt++)
        {
            string text = File.ReadAllText(PathOf(relative)).Trim();
            if (text.Length > 0 || attempt == 50)
            {
                return long.Parse(text, CultureInfo.InvariantCulture);
            }

            Thread.Sleep(2);
        }
    }

    public void Dispose() => _directory.Dispose();
}
