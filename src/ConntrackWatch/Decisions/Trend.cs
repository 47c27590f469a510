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
        int n = 0;
        double sumX = 0, sumY = 0, sumXX = 0, sumXY = 0;
        for (int i = window.Count - 1; i >= 0; i--)
        {
            Sample sample = window[i];
            if (sample.Max != latest.Max)
            {
                break;
            }

            double x = sample.Seconds - latest.Seconds;
            n++;
            sumX += x;
            sumY += sample.Count;
            sumXX += x * x;
            sumXY += x * sample.Count;
        }

        double spread = (n * sumXX) - (sumX * sumX);
        if (n < MinimumSamples || spread <= 0)
        {
            return new Trend(0, null, null, n);
        }

        double slope = ((n * sumXY) - (sumX * sumY)) / spread;
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
