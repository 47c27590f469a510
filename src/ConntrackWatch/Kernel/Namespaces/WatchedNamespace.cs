using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>One namespace being watched, with the handle its figures are read through.</summary>
/// <param name="livenessPath">Where it is checked by path, when nothing tells that it went: the process's stat file, or the bind mount.</param>
/// <param name="place">Where its table is reached from, for a breakdown.</param>
/// <param name="bound">The bind mount's own identity, for a namespace entered through one.</param>
/// <param name="processHandle">A pidfd of the process it was found through, readable once that process exits.</param>
/// <param name="addressFiles">Its address files opened from inside, for a bind mount entered; a process's are read by path.</param>
internal sealed class WatchedNamespace(
    FileIdentity key, string name, NameRank rank, long? inode, SafeFileHandle handle, string livenessPath, NamespacePlace place,
    NamespaceOwner owner, FileIdentity? bound = null, int? pid = null, SafeFileHandle? processHandle = null, AddressFiles? addressFiles = null)
    : IDisposable
{
    private readonly NamespacePlace _place = place;

    public FileIdentity Key { get; } = key;

    public string Name { get; private set; } = name;

    public long? Inode { get; set; } = inode;

    public SafeFileHandle Handle { get; } = handle;

    public FileIdentity? Bound { get; } = bound;

    /// <summary>Whether the host governs it, or an unprivileged user.</summary>
    public NamespaceOwner Owner { get; } = owner;

    /// <summary>The process it was found through; null for a bind mount entered.</summary>
    public int? Pid { get; } = pid;

    /// <summary>Its id in this namespace (RTM_GETNSID), once asked; null before, or where it has none.</summary>
    public int? Nsid { get; set; }

    /// <summary>Whether <see cref="Nsid"/> was asked for already.</summary>
    public bool NsidAsked { get; set; }

    /// <summary>A pidfd of <see cref="Pid"/>, where the kernel gave one; null otherwise.</summary>
    public SafeFileHandle? ProcessHandle { get; } = processHandle;

    /// <summary>Whether the exit of its process is watched, by <see cref="ProcessHandle"/>.</summary>
    public bool ExitWatched { get; set; }

    /// <summary>Its address files opened from inside (a bind mount entered); null for one found through a process.</summary>
    public AddressFiles? AddressFiles { get; } = addressFiles;

    /// <summary>Its local addresses as the last scan read them; null for one the host does not govern, or before the first.</summary>
    public NamespaceAddresses? Addresses { get; set; }

    /// <summary>The scan that last saw <see cref="Pid"/> still in this namespace.</summary>
    public long SeenAtScan { get; set; }

    private NameRank _rank = rank;
    private bool _exited;
    private int _lines; // of the stat file at its last complete read: a header and one line per possible CPU

    /// <summary>How telling <see cref="Name"/> is.</summary>
    public NameRank Rank => _rank;

    /// <summary>
    /// The namespace of process <paramref name="pid"/>, known by <paramref name="key"/>; null when the process went,
    /// or with <paramref name="unreadable"/> saying why its stat file cannot be read.
    /// </summary>
    /// <param name="watchExit">Whether to watch its exit by a pidfd: only for the real /proc, whose pids are real.</param>
    public static WatchedNamespace? OfProcess(
        string procRoot, int pid, FileIdentity key, NamespaceOwner owner, NamespaceNames.RootOwnedCheck? rootOwned, RuntimeRecords? runtimes,
        bool watchExit, out string? unreadable)
    {
        unreadable = null;
        string directory = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        string statFile = Path.Combine(directory, ProcStatCounters.StatFile);
        (string name, NameRank rank) = NamespaceNames.OfProcess(
            pid,
            KernelFile.ReadSmallOrEmpty(Path.Combine(directory, "cgroup")),
            KernelFile.ReadSmallOrEmpty(Path.Combine(directory, "comm")),
            ProcessStatus.RealUid(KernelFile.ReadSmallOrEmpty(Path.Combine(directory, "status"))),
            rootOwned,
            runtimes);
        long? inode = ProcDirectory.NamespaceInode(Path.Combine(directory, "ns/net"));
        // Taken before the stat file is opened by path: a pid reused before it opens another file, checked below.
        SafeFileHandle? pidfd = watchExit ? LivenessWatch.OpenProcess(pid) : null;
        SafeFileHandle handle;
        try
        {
            handle = KernelFile.OpenRead(statFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            pidfd?.Dispose();
            return null; // gone already
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Found, but not readable: said, never left out in silence.
            pidfd?.Dispose();
            string why = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            unreadable = $"{NamespaceReading.SubjectOf(name, inode)}: its stat file {statFile} cannot be read ({why})";
            return null;
        }

        if (!FileIdentity.TryOf(handle, out FileIdentity opened) || opened != key)
        {
            handle.Dispose(); // the process exited and its pid was reused between the two looks
            pidfd?.Dispose();
            return null;
        }

        return new WatchedNamespace(key, name, rank, inode, handle, statFile,
            new NamespacePlace(Path.Combine(directory, "ns/net"), Path.Combine(directory, "net/nf_conntrack")), owner, pid: pid,
            processHandle: pidfd);
    }

    public void Rename(string name, NameRank rank)
    {
        if (rank >= _rank)
        {
            Name = name;
            _rank = rank;
        }
    }

    /// <summary>Its process exited (its pidfd became readable).</summary>
    public void MarkExited() => _exited = true;

    /// <summary>
    /// Whether it is still there: by its pidfd where its exit is watched; a bind mount, by path only when
    /// <paramref name="bindMountsQuiet"/> is false (something left their directories); else by path.
    /// </summary>
    public bool IsAlive(bool bindMountsQuiet) => ExitWatched
        ? !_exited
        : (Bound is not null && bindMountsQuiet) || IsAtItsPath();

    // Whether its path still names it: the process's stat file, or the bind mount.
    private bool IsAtItsPath() => FileIdentity.TryOf(livenessPath, out FileIdentity now) && now == (Bound ?? Key);

    public void Dispose()
    {
        Handle.Dispose();
        ProcessHandle?.Dispose();
        AddressFiles?.Dispose();
    }

    /// <summary>True: read; false: a fault, in the reading; null: the namespace is gone.</summary>
    public bool? Read(ref byte[] buffer, ProcStatCounters.Layout layout, out NamespaceReading reading)
    {
        int length;
        try
        {
            // One read is the whole file when it holds as many lines as the last complete read: the kernel prints a
            // header and one line per possible CPU, a number fixed at boot, and hands out whole lines. Otherwise
            // (the first read, a short one) on to the end of the file, growing the shared buffer (rarely, and only
            // once) until the file fits, up to the limit.
            length = RandomAccess.Read(Handle, buffer, 0);
            if (length == buffer.Length || length == 0 || buffer[length - 1] != (byte)'\n' || buffer.AsSpan(0, length).Count((byte)'\n') != _lines)
            {
                while ((length = ProcFileReader.ReadFromStart(Handle, buffer)) == buffer.Length)
                {
                    if (buffer.Length > KernelFile.SmallFileLimit)
                    {
                        reading = Faulted($"{livenessPath}: larger than {KernelFile.SmallFileLimit / 1024} KiB, which no stat file is");
                        return false;
                    }

                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, KernelFile.SmallFileLimit + 1));
                }

                _lines = buffer.AsSpan(0, length).Count((byte)'\n');
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reading = default;
            return null;
        }

        if (!ProcStatCounters.TryParse(buffer.AsSpan(0, length), out ConntrackCounters counters, out long? entries, out string? problem, layout)
            || entries is not { } count)
        {
            reading = Faulted($"{livenessPath}: {problem ?? "the header has no entries column"}");
            return false;
        }

        reading = new NamespaceReading(Key, Name, Inode, count, counters, Place: _place, Owner: Owner, Addresses: Addresses);
        return true;
    }

    private NamespaceReading Faulted(string fault) => new(Key, Name, Inode, 0, default, fault, _place, Owner, Addresses);
}
