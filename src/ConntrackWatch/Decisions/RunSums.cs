namespace ConntrackWatch.Decisions;

/// <summary>
/// The least-squares sums over a run of samples: times in whole microseconds from the run's first sample, counts in
/// entries, all in Int128. Integers, so a sample removed takes away exactly what it added and nothing drifts however
/// long the daemon runs (a year of microseconds, squared, times 1,024 samples, is still far inside Int128).
/// </summary>
internal struct RunSums
{
    private double _origin;

    public int Length { get; private set; }

    public Int128 SumX { get; private set; }

    public Int128 SumY { get; private set; }

    public Int128 SumXX { get; private set; }

    public Int128 SumXY { get; private set; }

    /// <summary>A run of one sample, the first: its time is the origin.</summary>
    public static RunSums Of(Sample first)
    {
        var run = new RunSums { _origin = first.Seconds };
        run.Add(first);
        return run;
    }

    public void Add(Sample sample) => Apply(sample, 1);

    public void Remove(Sample sample) => Apply(sample, -1);

    private void Apply(Sample sample, int sign)
    {
        Int128 x = (long)Math.Round((sample.Seconds - _origin) * 1e6);
        Int128 y = sample.Count;
        Length += sign;
        SumX += sign * x;
        SumY += sign * y;
        SumXX += sign * x * x;
        SumXY += sign * x * y;
    }
}
