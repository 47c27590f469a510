using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Hosting;

/// <summary>
/// Room for a descriptor per watched namespace and one per process it is found through: the soft limit on open
/// files is raised towards the hard one, as far as <see cref="Needed"/>. Most shells and systemd give 1,024, which
/// would stop at about 500 namespaces. Where setrlimit(2) is refused (the unit filters it, and sets LimitNOFILE=
/// instead), the limit stays, and what does not fit is listed as not visible with the reason.
/// </summary>
internal static class OpenFileLimit
{
    /// <summary>Two for each of the most namespaces watched, and room for the rest of the process.</summary>
    public const ulong Needed = (2 * NamespaceWatcher.MaxNamespaces) + 256;

    private const int Nofile = 7; // RLIMIT_NOFILE, the same on x86-64 and arm64

    /// <summary>Raises the soft limit; the limit it is now, or null where it could not be read.</summary>
    public static ulong? Raise()
    {
        Span<ulong> limit = stackalloc ulong[2]; // struct rlimit: rlim_cur, rlim_max
        if (Posix.GetRlimit(Nofile, limit) != 0)
        {
            return null;
        }

        ulong wanted = Math.Min(limit[1], Needed);
        if (limit[0] < wanted)
        {
            limit[0] = wanted;
            _ = Posix.SetRlimit(Nofile, limit); // refused: the limit stays as it was
            _ = Posix.GetRlimit(Nofile, limit);
        }

        return limit[0];
    }
}
