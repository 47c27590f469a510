namespace ConntrackWatch.Kernel;

/// <summary>Finds which of the conntrack file layouts kernels have used is present; first match wins.</summary>
internal static class ConntrackLayoutDetector
{
    // Newest first: nf_conntrack since 2.6.15, its sys/net alias, then the ip_conntrack of older kernels.
    public static readonly string[] MaxCandidates =
    [
        "sys/net/netfilter/nf_conntrack_max",
        "sys/net/nf_conntrack_max",
        "sys/net/ipv4/netfilter/ip_conntrack_max",
        "sys/net/ipv4/ip_conntrack_max",
    ];

    public static readonly string[] CountFileCandidates =
    [
        "sys/net/netfilter/nf_conntrack_count",
        "sys/net/ipv4/netfilter/ip_conntrack_count",
    ];

    public static readonly string[] BucketsCandidates =
    [
        "sys/net/netfilter/nf_conntrack_buckets",
    ];

    public static readonly string[] TableCandidates =
    [
        "net/nf_conntrack",
        "net/ip_conntrack",
    ];

    /// <summary>The layout under <paramref name="procRoot"/>, or null when no max sysctl exists there.</summary>
    public static ConntrackLayout? Detect(string procRoot)
    {
        string? max = FirstExisting(procRoot, MaxCandidates, out string? name);
        if (max is null)
        {
            return null;
        }

        return new ConntrackLayout(
            name!,
            max,
            FirstExisting(procRoot, CountFileCandidates, out _),
            FirstExisting(procRoot, TableCandidates, out _),
            FirstExisting(procRoot, BucketsCandidates, out _));
    }

    /// <summary>Why nothing was found, for the "waiting for conntrack" log line.</summary>
    public static string DescribeAbsence(string procRoot)
    {
        if (!Directory.Exists(procRoot))
        {
            return $"{procRoot} does not exist: Conntrack:ProcRoot must name where proc is mounted (/proc)";
        }

        // A directory on the way that cannot be searched hides the files: that is no missing module.
        foreach (string candidate in MaxCandidates)
        {
            string path = Path.Combine(procRoot, candidate);
            if (FileIdentity.IsDeniedOnTheWay(path))
            {
                return $"{path} cannot be reached: permission denied on a directory above it; run ConntrackWatch as root, " +
                    "or check the permissions under Conntrack:ProcRoot";
            }
        }

        return $"none of {string.Join(", ", MaxCandidates.Select(c => Path.Combine(procRoot, c)))} exists; " +
            "the nf_conntrack module is not loaded (it loads with the first conntrack rule, or: modprobe nf_conntrack)";
    }

    private static string? FirstExisting(string procRoot, string[] candidates, out string? relative)
    {
        foreach (string candidate in candidates)
        {
            string path = Path.Combine(procRoot, candidate);
            // Whatever is there, even a directory or a FIFO: reading it then says exactly what is wrong.
            if (Path.Exists(path))
            {
                relative = candidate;
                return path;
            }
        }

        relative = null;
        return null;
    }
}
