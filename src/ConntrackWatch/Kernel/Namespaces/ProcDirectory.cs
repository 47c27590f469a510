using System.Buffers.Text;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// What the namespace scan asks of /proc: the process ids under a proc root, listed (and cut short, not thrown,
/// when the directory goes or cannot be read) through <see cref="DirectoryListing"/> into the caller's kept
/// buffer, so a scan every few seconds for the daemon's lifetime makes no string, enumerator or array; and a
/// namespace's inode from an ns/net link or a bind mount, where it may be examined (a process's needs ptrace
/// access to it).
/// </summary>
internal static class ProcDirectory
{
    /// <summary>
    /// Fills <paramref name="pids"/> with the process ids under <paramref name="procRoot"/>, listed through
    /// <paramref name="buffer"/> (at least <see cref="DirectoryListing.BufferSize"/> bytes).
    /// </summary>
    public static void Pids(string procRoot, List<int> pids, byte[] buffer)
    {
        pids.Clear();
        foreach (DirectoryBatch batch in new DirectoryListing(procRoot, buffer))
        {
            foreach (ReadOnlySpan<byte> name in batch)
            {
                if (Pid(name) is > 0 and int pid)
                {
                    pids.Add(pid);
                }
            }
        }
    }

    public static long? NamespaceInode(string path) =>
        FileIdentity.TryOf(path, out FileIdentity identity) ? (long)identity.Inode : null;

    private static int Pid(ReadOnlySpan<byte> name) =>
        name.Length is > 0 and <= 10 && name[0] is >= (byte)'1' and <= (byte)'9'
        && Utf8Parser.TryParse(name, out int pid, out int consumed) && consumed == name.Length && pid > 0 ? pid : 0;
}
