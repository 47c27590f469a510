namespace ConntrackWatch.Decisions;

/// <summary>
/// The most recent samples in a fixed ring buffer: no allocation per sample.
/// </summary>
internal sealed class SampleWindow
{
    public const int MaxCapacity = 100_000;

    private readonly Sample[] _samples;
    private int _next;
    private long _added;

    public SampleWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _samples = new Sample[capacity];
    }

    public int Capacity => _samples.Length;

    public int Count => (int)Math.Min(_added, _samples.Length);

    /// <summary>The newest sample. The window must not be empty.</summary>
    public Sample Latest => _added > 0
        ? _samples[(_next - 1 + _samples.Length) % _samples.Length]
        : throw new InvalidOperationException("The window holds no sample yet.");

    /// <summary>The <paramref name="index"/>th sample, oldest first.</summary>
    public Sample this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            int oldest = _added > _samples.Length ? _next : 0;
            return _samples[(oldest + index) % _samples.Length];
        }
    }

    /// <summary>How many samples cover <paramref name="length"/> when one is taken every <paramref name="interval"/>.</summary>
    public static int CapacityFor(TimeSpan length, TimeSpan interval)
    {
        double samples = Math.Ceiling(length / interval) + 1;
        return (int)Math.Clamp(samples, 2, MaxCapacity);
    }

    public void Add(Sample sample)
    {
        _samples[_next] = sample;
        _next = (_next + 1) % _samples.Length;
        _added++;
    }

    /// <summary>A window of another capacity holding the newest samples of this one.</summary>
    public SampleWindow Resize(int capacity)
    {
        var resized = new SampleWindow(capacity);
        for (int i = Math.Max(0, Count - capacity); i < Count; i++)
        {
            resized.Add(this[i]);
        }

        return resized;
    }
}
