namespace ConntrackWatch.Kernel;

/// <summary>Where the number of tracked connections comes from.</summary>
public enum CountSource
{
    /// <summary>The count file when the kernel has one, otherwise the lines of the table.</summary>
    Auto,

    /// <summary>Only <c>nf_conntrack_count</c> (one small read, whatever the table size).</summary>
    CountFile,

    /// <summary>Only the lines of <c>/proc/net/nf_conntrack</c> (the kernel walks every entry).</summary>
    Table,
}
