namespace ConntrackWatch.Decisions;

/// <summary>How fast the table grows, and when it would reach the high-water mark and the maximum.</summary>
/// <param name="GrowthPerSecond">Least-squares slope of the count, entries per second.</param>
/// <param name="SecondsToMark">Null when not growing; 0 when already there.</param>
/// <param name="SecondsToFull">Null when not growing.</param>
/// <param name="Samples">How many samples it rests on.</param>
internal readonly record struct Trend(double GrowthPerSecond, double? SecondsToMark, double? SecondsToFull, int Samples)
{
    /// <summary>Fewer samples than this are noise, not a trend.</summary>
    public const int MinimumSamples = 3;

    public static Trend None => default;

    public bool IsGrowing => GrowthPerSecond > 0 && Samples >= MinimumSamples;

    /// <summary>
    /// The trend of the newest samples taken under the current maximum: older ones describe a table with another
    /// limit, and a raise must not be justified twice by the same evidence.
    /// </summary>
    public static Trend Of(SampleWindow window, long highWaterMark)
    {
        Sample latest = window.Latest;
        RunSums run = window.Run;
        int n = run.Length;
        Int128 spread = (n * run.SumXX) - (run.SumX * run.SumX);
        if (n < MinimumSamples || spread <= 0)
        {
            return new Trend(0, null, null, n);
        }

        // Times are in microseconds: the slope per second is a million times the slope per microsecond.
        double slope = (double)((n * run.SumXY) - (run.SumX * run.SumY)) / (double)spread * 1e6;
        if (slope <= 0)
        {
            return new Trend(slope, latest.Count >= highWaterMark ? 0 : null, null, n);
        }

        return new Trend(
            slope,
            Math.Max(0, (highWaterMark - latest.Count) / slope),
            Math.Max(0, (latest.Max - latest.Count) / slope),
            n);
    }
}
