namespace ConntrackWatch.Decisions;

/// <summary>
/// The most recent samples in a fixed ring buffer: no allocation per sample, and at most <see cref="MaxCapacity"/>
/// of them (40 KiB) whatever the window's length and the poll interval. A window longer than that many polls keeps
/// coarser samples, <paramref name="spacingSeconds"/> apart: the newest slot takes each poll's sample until it is
/// that far past the one before it. The drop counters of the poll before the newest are kept apart, so the kernel's
/// drops since the last poll are known however coarse the window. The least-squares sums of the newest samples
/// taken under the newest maximum (what <see cref="Trend.Of"/> fits) are kept as samples come and go, so a trend
/// costs the same at 3 samples as at 1,024.
/// </summary>
/// <param name="spacingSeconds">The least time between kept samples; 0: every poll is kept.</param>
internal sealed class SampleWindow(int capacity, double spacingSeconds = 0)
{
    /// <summary>The most samples a window holds: 1,024 of 40 bytes, for each namespace watched.</summary>
    public const int MaxCapacity = 1_024;

    private readonly Sample[] _samples = new Sample[Checked(capacity)];
    private int _next;
    private long _stored; // samples written to a slot of their own
    private long _polls;  // samples added, a replaced one included
    private long? _previousDrops;
    private RunSums _run;

    public int Capacity => _samples.Length;

    public int Count => (int)Math.Min(_stored, _samples.Length);

    /// <summary>The newest sample. The window must not be empty.</summary>
    public Sample Latest => _stored > 0
        ? _samples[(_next - 1 + _samples.Length) % _samples.Length]
        : throw new InvalidOperationException("The window holds no sample yet.");

    /// <summary>The <paramref name="index"/>th sample, oldest first.</summary>
    public Sample this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            int oldest = _stored > _samples.Length ? _next : 0;
            return _samples[(oldest + index) % _samples.Length];
        }
    }

    /// <summary>The least time between kept samples; 0 when every poll is kept.</summary>
    public double SpacingSeconds { get; } = spacingSeconds;

    /// <summary>The sums over the newest samples that share the newest sample's maximum.</summary>
    public RunSums Run => _run;

    /// <summary>
    /// The drop counters of the last poll before the newest that could read them (the drop watch's baseline too,
    /// so both count a fault's gap once); null before two polls, or where none could.
    /// </summary>
    public long? PreviousTableFullDrops => _polls > 1 ? _previousDrops : null;

    /// <summary>How many samples cover <paramref name="length"/> when one is taken every <paramref name="interval"/>, at most <see cref="MaxCapacity"/>.</summary>
    public static int CapacityFor(TimeSpan length, TimeSpan interval)
    {
        double samples = Math.Ceiling(length / interval) + 1;
        return (int)Math.Clamp(samples, 2, MaxCapacity);
    }

    /// <summary>How far apart kept samples must be for <see cref="MaxCapacity"/> of them to cover <paramref name="length"/>; 0 when every poll fits.</summary>
    public static double SpacingFor(TimeSpan length, TimeSpan interval) =>
        Math.Ceiling(length / interval) + 1 > MaxCapacity ? length.TotalSeconds / (MaxCapacity - 1) : 0;

    public void Add(Sample sample)
    {
        if (_polls++ > 0)
        {
            _previousDrops = Latest.TableFullDrops ?? _previousDrops; // after a fault, the last that could be read
        }

        // A coarse window: the newest slot is replaced until it is a spacing past the kept sample before it.
        if (SpacingSeconds > 0 && Count >= 2 && Latest.Seconds - this[Count - 2].Seconds < SpacingSeconds)
        {
            _run.Remove(Latest);
            _samples[(_next - 1 + _samples.Length) % _samples.Length] = sample;
            if (_run.Length > 0 && this[Count - 2].Max == sample.Max)
            {
                _run.Add(sample);
            }
            else
            {
                SumRun(); // the run the replaced sample ended may now reach further back, or begin anew
            }

            return;
        }

        if (_stored >= _samples.Length && _run.Length == Count)
        {
            _run.Remove(this[0]); // the oldest, about to be overwritten, was in the run
        }

        bool continues = _stored > 0 && _run.Length > 0 && Latest.Max == sample.Max;
        _samples[_next] = sample;
        _next = (_next + 1) % _samples.Length;
        _stored++;
        if (continues)
        {
            _run.Add(sample);
        }
        else
        {
            _run = RunSums.Of(sample);
        }
    }

    /// <summary>A window of another capacity (and spacing) holding the newest samples of this one.</summary>
    public SampleWindow Resize(int capacity, double spacingSeconds = 0)
    {
        var resized = new SampleWindow(capacity, spacingSeconds);
        for (int i = Math.Max(0, Count - capacity); i < Count; i++)
        {
            resized._samples[resized._next] = this[i];
            resized._next = (resized._next + 1) % capacity;
            resized._stored++;
        }

        resized._polls = _polls;
        resized._previousDrops = _previousDrops;
        resized.SumRun();
        return resized;
    }

    // The run's sums made afresh: the newest samples back to the first taken under another maximum.
    private void SumRun()
    {
        int first = Count - 1;
        while (first > 0 && this[first - 1].Max == this[Count - 1].Max)
        {
            first--;
        }

        _run = RunSums.Of(this[first]);
        for (int i = first + 1; i < Count; i++)
        {
            _run.Add(this[i]);
        }
    }

    private static int Checked(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        return capacity;
    }
}
