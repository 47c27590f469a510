using System.Globalization;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// What the namespace scan lists: the processes under a proc root and the files of a bind-mount directory, each
/// listing cut short (not thrown) when the directory goes or cannot be read; and a namespace's inode from an
/// ns/net link or a bind mount, where it may be examined (a process's needs ptrace access to it).
/// </summary>
internal static class ProcDirectory
{
    public static IEnumerable<int> Pids(string procRoot)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories(procRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        using IEnumerator<string> each = entries.GetEnumerator();
        while (true)
        {
            try
            {
                if (!each.MoveNext())
                {
                    yield break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                yield break;
            }

            if (int.TryParse(Path.GetFileName(each.Current), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0)
            {
                yield return pid;
            }
        }
    }

    public static IEnumerable<string> FilesIn(string directory, int limit)
    {
        try
        {
            return Directory.Exists(directory) ? Directory.GetFiles(directory).Take(limit) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public static long? NamespaceInode(string path) =>
        FileIdentity.TryOf(path, out FileIdentity identity) ? (long)identity.Inode : null;
}
