namespace ConntrackWatch.Decisions;

/// <summary>
/// When a raise should resize the hash table, and to what: a maximum above <c>entriesPerBucket</c> x
/// nf_conntrack_buckets gets max / entriesPerBucket buckets (rounded up), so hash chains stay short. Pure.
/// </summary>
internal static class BucketPolicy
{
    /// <summary>The bucket count to write for <paramref name="newMax"/>; null when <paramref name="buckets"/> suffice (or are unknown, 0).</summary>
    public static long? TargetFor(long newMax, long buckets, int entriesPerBucket) =>
        buckets <= 0 || newMax <= entriesPerBucket * buckets ? null : (newMax + entriesPerBucket - 1) / entriesPerBucket;
}
