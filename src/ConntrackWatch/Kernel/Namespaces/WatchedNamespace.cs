using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>One namespace being watched, with the handle its figures are read through.</summary>
/// <param name="livenessPath">Checked before each read: the process's stat file, or the bind mount.</param>
/// <param name="place">Where its table is reached from, for a breakdown.</param>
/// <param name="bound">The bind mount's own identity, for a namespace entered through one.</param>
internal sealed class WatchedNamespace(
    FileIdentity key, string name, NameRank rank, long? inode, SafeFileHandle handle, string livenessPath, NamespacePlace place,
    NamespaceOwner owner, FileIdentity? bound = null, int? pid = null)
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

    private NameRank _rank = rank;

    /// <summary>How telling <see cref="Name"/> is.</summary>
    public NameRank Rank => _rank;

    /// <summary>
    /// The namespace of process <paramref name="pid"/>, known by <paramref name="key"/>; null when the process went,
    /// or with <paramref name="unreadable"/> saying why its stat file cannot be read.
    /// </summary>
    public static WatchedNamespace? OfProcess(
        string procRoot, int pid, FileIdentity key, NamespaceOwner owner, NamespaceNames.RootOwnedCheck? rootOwned, out string? unreadable)
    {
        unreadable = null;
        string directory = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        string statFile = Path.Combine(directory, CountersReader.StatFile);
        (string name, NameRank rank) = NamespaceNames.OfProcess(
            pid,
            KernelFile.ReadSmallOrEmpty(Path.Combine(directory, "cgroup")),
            KernelFile.ReadSmallOrEmpty(Path.Combine(directory, "comm")),
            ProcessStatus.RealUid(KernelFile.ReadSmallOrEmpty(Path.Combine(directory, "status"))),
            rootOwned);
        long? inode = ProcDirectory.NamespaceInode(Path.Combine(directory, "ns/net"));
        SafeFileHandle handle;
        try
        {
            handle = KernelFile.OpenRead(statFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // gone already
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Found, but not readable: said, never left out in silence.
            string why = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            unreadable = $"{NamespaceReading.SubjectOf(name, inode)}: its stat file {statFile} cannot be read ({why})";
            return null;
        }

        if (!FileIdentity.TryOf(handle, out FileIdentity opened) || opened != key)
        {
            handle.Dispose(); // the process exited and its pid was reused between the two looks
            return null;
        }

        return new WatchedNamespace(key, name, rank, inode, handle, statFile,
            new NamespacePlace(Path.Combine(directory, "ns/net"), Path.Combine(directory, "net/nf_conntrack")), owner, pid: pid);
    }

    public void Rename(string name, NameRank rank)
    {
        if (rank >= _rank)
        {
            Name = name;
            _rank = rank;
        }
    }

    public bool IsAlive() => FileIdentity.TryOf(livenessPath, out FileIdentity now) && now == (Bound ?? Key);

    /// <summary>True: read; false: a fault, in the reading; null: the namespace is gone.</summary>
    public bool? Read(ref byte[] buffer, out NamespaceReading reading)
    {
        int length;
        try
        {
            // One line per CPU: grow the shared buffer (rarely, and only once) until the file fits, up to the limit.
            while ((length = ProcFileReader.ReadFromStart(Handle, buffer)) == buffer.Length)
            {
                if (buffer.Length > KernelFile.SmallFileLimit)
                {
                    reading = Faulted($"{livenessPath}: larger than {KernelFile.SmallFileLimit / 1024} KiB, which no stat file is");
                    return false;
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, KernelFile.SmallFileLimit + 1));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reading = default;
            return null;
        }

        if (!ProcStatCounters.TryParse(buffer.AsSpan(0, length), out ConntrackCounters counters, out long? entries, out string? problem)
            || entries is not { } count)
        {
            reading = Faulted($"{livenessPath}: {problem ?? "the header has no entries column"}");
            return false;
        }

        reading = new NamespaceReading(Key, Name, Inode, count, counters, Place: _place, Owner: Owner);
        return true;
    }

    private NamespaceReading Faulted(string fault) => new(Key, Name, Inode, 0, default, fault, _place, Owner);
}
