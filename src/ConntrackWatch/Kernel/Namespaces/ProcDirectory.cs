using System.Globalization;
using System.IO.Enumeration;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// What the namespace scan lists: the processes under a proc root and the files of a bind-mount directory, each
/// listing cut short (not thrown) when the directory goes or cannot be read; and a namespace's inode from an
/// ns/net link or a bind mount, where it may be examined (a process's needs ptrace access to it).
/// </summary>
internal static class ProcDirectory
{
    /// <summary>
    /// Fills <paramref name="pids"/> with the process ids under <paramref name="procRoot"/>: the names are parsed
    /// where the enumeration holds them, so a scan of thousands of processes makes no string per process.
    /// </summary>
    public static void Pids(string procRoot, List<int> pids)
    {
        pids.Clear();
        try
        {
            var entries = new FileSystemEnumerable<int>(procRoot, static (ref FileSystemEntry entry) => Pid(entry.FileName))
            {
                ShouldIncludePredicate = static (ref FileSystemEntry entry) => entry.IsDirectory && Pid(entry.FileName) > 0,
            };
            pids.AddRange(entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The proc root went, or cannot be listed: the processes found so far are all there are.
        }
    }

    private static int Pid(ReadOnlySpan<char> name) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : 0;

    /// <summary>The files of a bind-mount directory, at most <paramref name="limit"/>; none when it is absent or empty.</summary>
    public static IEnumerable<string> FilesIn(string directory, int limit)
    {
        try
        {
            // Absent (no ip netns ever run) or empty (the usual case): no listing to allocate, scan after scan.
            return FileIdentity.TryOf(directory, out _) && Directory.EnumerateFileSystemEntries(directory).Any()
                ? Directory.GetFiles(directory).Take(limit)
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public static long? NamespaceInode(string path) =>
        FileIdentity.TryOf(path, out FileIdentity identity) ? (long)identity.Inode : null;
}
