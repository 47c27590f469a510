namespace ConntrackWatch.Kernel;

/// <summary>
/// When a reading is taken, in seconds on the monotonic clock (what a sample is stamped with): read here, beside the
/// readers, so that the decisions stay pure and are handed the time.
/// </summary>
internal static class MonotonicSeconds
{
    public static double Now(TimeProvider time) => time.GetTimestamp() / (double)time.TimestampFrequency;
}
