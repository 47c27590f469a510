namespace ConntrackWatch.Decisions;

/// <summary>
/// The most recent samples in a fixed ring buffer: no allocation per sample, and at most <see cref="MaxCapacity"/>
/// of them (40 KiB) whatever the window's length and the poll interval. A window longer than that many polls keeps
/// coarser samples, <paramref name="spacingSeconds"/> apart: the newest slot takes each poll's sample until it is
/// that far past the one before it. The drop counters of the poll before the newest are kept apart, so the kernel's
/// drops since the last poll are known however coarse the window.
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

    /// <summary>The drop counters of the poll before the newest; null before two polls, or where they were unreadable.</summary>
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
            _previousDrops = Latest.TableFullDrops;
        }

        // A coarse window: the newest slot is replaced until it is a spacing past the kept sample before it.
        if (SpacingSeconds > 0 && Count >= 2 && Latest.Seconds - this[Count - 2].Seconds < SpacingSeconds)
        {
            _samples[(_next - 1 + _samples.Length) % _samples.Length] = sample;
            return;
        }

        _samples[_next] = sample;
        _next = (_next + 1) % _samples.Length;
        _stored++;
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

        return resized;
    }

    private static int Checked(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        return capacity;
    }
}
