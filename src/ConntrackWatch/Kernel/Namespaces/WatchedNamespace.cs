using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>One namespace being watched, with the handle its figures are read through.</summary>
/// <param name="livenessPath">Checked before each read: the process's stat file, or the bind mount.</param>
/// <param name="place">Where its table is reached from, for a breakdown.</param>
/// <param name="bound">The bind mount's own identity, for a namespace entered through one.</param>
internal sealed class WatchedNamespace(
    FileIdentity key, string name, NameRank rank, long? inode, SafeFileHandle handle, string livenessPath, NamespacePlace place, FileIdentity? bound = null)
{
    private readonly NamespacePlace _place = place;

    public FileIdentity Key { get; } = key;

    public string Name { get; private set; } = name;

    public long? Inode { get; set; } = inode;

    public SafeFileHandle Handle { get; } = handle;

    public FileIdentity? Bound { get; } = bound;

    private NameRank _rank = rank;

    /// <summary>How telling <see cref="Name"/> is.</summary>
    public NameRank Rank => _rank;

    public static WatchedNamespace? OfProcess(string procRoot, int pid, string statFile, FileIdentity key)
    {
        SafeFileHandle handle;
        try
        {
            handle = KernelFile.OpenRead(statFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone already, or not ours to read
        }

        if (!FileIdentity.TryOf(handle, out FileIdentity opened) || opened != key)
        {
            handle.Dispose(); // the process exited and its pid was reused between the two looks
            return null;
        }

        string directory = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        string name = NamespaceNames.OfProcess(
            pid, KernelFile.TryReadText(Path.Combine(directory, "cgroup"), out _), KernelFile.TryReadText(Path.Combine(directory, "comm"), out _));
        NameRank rank = name.StartsWith("pid ", StringComparison.Ordinal) ? NameRank.Process
            : name.StartsWith("unit ", StringComparison.Ordinal) ? NameRank.Unit
            : NameRank.Container;
        return new WatchedNamespace(key, name, rank, ProcDirectory.NamespaceInode(Path.Combine(directory, "ns/net")), handle, statFile,
            new NamespacePlace(Path.Combine(directory, "ns/net"), Path.Combine(directory, "net/nf_conntrack")));
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

        reading = new NamespaceReading(Key, Name, Inode, count, counters, Place: _place);
        return true;
    }

    private NamespaceReading Faulted(string fault) => new(Key, Name, Inode, 0, default, fault, _place);
}
