using System.Buffers.Binary;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Whether a Conntrack:ProcRoot is the kernel's proc filesystem (statfs says PROC_SUPER_MAGIC), wherever it is
/// mounted: /proc, or the host's /proc mounted into a container at /host/proc. Only there are pids real (pidfds),
/// netlink the same kernel's, bind mounts and cgroups to be checked; anything else is a tree of files (a test's),
/// read as files. A path is asked once.
/// </summary>
internal static class ProcMount
{
    private const long ProcSuperMagic = 0x9fa0;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Known = new(StringComparer.Ordinal);

    public static bool IsKernel(string procRoot) => Known.GetOrAdd(procRoot, static path =>
    {
        Span<byte> statfs = stackalloc byte[120];
        return Posix.StatFs(path, statfs) == 0 && BinaryPrimitives.ReadInt64LittleEndian(statfs) == ProcSuperMagic;
    });
}
