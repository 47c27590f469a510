namespace ConntrackWatch.Kernel;

/// <summary>How a read of a kernel file ended; faults are results, not exceptions.</summary>
internal enum ReadStatus
{
    Ok,

    /// <summary>The file or a directory above it does not exist (module not loaded, other kernel layout).</summary>
    Missing,

    /// <summary>The file exists but its content is not what the kernel writes there.</summary>
    Malformed,

    /// <summary>Permission denied: the process lacks the privilege (root, CAP_NET_ADMIN).</summary>
    Denied,

    /// <summary>
    /// Nobody may write it here: a sysctl the kernel makes read-only outside the initial network namespace,
    /// or a read-only mount.
    /// </summary>
    ReadOnly,

    /// <summary>Any other I/O error.</summary>
    Failed,
}
