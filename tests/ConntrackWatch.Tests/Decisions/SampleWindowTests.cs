using ConntrackWatch.Decisions;

namespace ConntrackWatch.Tests.Decisions;

public sealed class SampleWindowTests
{
    [Fact]
    public void KeepsTheNewestSamplesOldestFirst()
    {
        var window = new SampleWindow(3);
        for (long i = 1; i <= 5; i++)
        {
            window.Add(new Sample(i, i * 10, 100));
        }

        Assert.Equal(3, window.Count);
        Assert.Equal([30L, 40L, 50L], Enumerable.Range(0, window.Count).Select(i => window[i].Count));
        Assert.Equal(50, window.Latest.Count);
    }

    [Fact]
    public void HasNoLatestSampleWhenEmpty()
    {
        Assert.Throws<InvalidOperationException>(() => new SampleWindow(2).Latest);
    }

    [Theory]
    [InlineData(60, 5, 13)]
    [InlineData(60, 1, 61)]
    [InlineData(1, 5, 2)]
    public void SizesItselfToCoverTheWindowLength(int windowSeconds, int intervalSeconds, int expected)
    {
        Assert.Equal(expected, SampleWindow.CapacityFor(TimeSpan.FromSeconds(windowSeconds), TimeSpan.FromSeconds(intervalSeconds)));
    }

    [Fact]
    public void KeepsTheNewestSamplesWhenResized()
    {
        var window = new SampleWindow(5);
        for (long i = 1; i <= 5; i++)
        {
            window.Add(new Sample(i, i, 100));
        }

        SampleWindow smaller = window.Resize(2);

        Assert.Equal([4L, 5L], new[] { smaller[0].Count, smaller[1].Count });
    }

    [Fact]
    public void ALongWindowAtShortPollsStaysWithinItsCapacityAndStillSpansTheWholeLength()
    {
        // A day at 100 ms polls: 864,001 samples by the old sizing (35 MB per namespace), 1,024 now.
        TimeSpan length = TimeSpan.FromDays(1), interval = TimeSpan.FromMilliseconds(100);
        var window = new SampleWindow(SampleWindow.CapacityFor(length, interval), SampleWindow.SpacingFor(length, interval));
        const int Polls = 864_000;
        for (int i = 0; i <= Polls; i++)
        {
            window.Add(new Sample(i / 10.0, i, 1_000_000, TableFullDrops: i / 1000));
        }

        Assert.Equal(SampleWindow.MaxCapacity, window.Count);
        Assert.Equal(Polls / 10.0, window.Latest.Seconds); // the newest is always the last poll's
        Assert.InRange(window.Latest.Seconds - window[0].Seconds, 86_400 - (2 * window.SpacingSeconds), 86_400);
        for (int i = 1; i < window.Count - 1; i++)
        {
            Assert.True(window[i].Seconds - window[i - 1].Seconds >= window.SpacingSeconds, $"samples {i - 1} and {i}");
        }

        Assert.Equal((Polls - 1) / 1000, window.PreviousTableFullDrops); // the poll before, not the kept sample before
    }

    [Fact]
    public void AWindowThatFitsEveryPollKeepsEveryPoll()
    {
        Assert.Equal(0, SampleWindow.SpacingFor(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5)));
        Assert.Equal(SampleWindow.MaxCapacity, SampleWindow.CapacityFor(TimeSpan.FromDays(1), TimeSpan.FromMilliseconds(100)));
    }

    [Theory]
    [InlineData(8, 0.0)]
    [InlineData(8, 2.5)]
    [InlineData(64, 0.0)]
    public void ItsRunningTrendIsTheFitOfTheNewestSamplesUnderTheNewestMaxThroughWrapsRaisesAndReplacedSamples(int capacity, double spacing)
    {
        // Counts that climb and fall, a max raised now and then (a raise begins a new run), times 0.7 s apart so a
        // coarse window replaces its newest sample; the kept sums must give at every step what a fresh fit gives.
        var window = new SampleWindow(capacity, spacing);
        var random = new Random(capacity + (int)(spacing * 10));
        long max = 1000;
        for (int poll = 0; poll < 2_000; poll++)
        {
            if (random.Next(40) == 0)
            {
                max += 500;
            }

            window.Add(new Sample(1_000_000 + (poll * 0.7), random.Next(0, (int)max), max));
            (double slope, int samples) = FitOfTheNewestRun(window);

            Trend trend = Trend.Of(window, max / 2);
            Assert.Equal(samples, trend.Samples);
            Assert.Equal(slope, trend.GrowthPerSecond, 1e-6 * Math.Max(1, Math.Abs(slope)));
        }
    }

    // Least squares over the newest samples that share the newest one's max, worked out from the samples themselves.
    private static (double Slope, int Samples) FitOfTheNewestRun(SampleWindow window)
    {
        var run = new List<Sample>();
        for (int i = window.Count - 1; i >= 0 && window[i].Max == window.Latest.Max; i--)
        {
            run.Add(window[i]);
        }

        double meanX = run.Average(s => s.Seconds), meanY = run.Average(s => (double)s.Count);
        double spread = run.Sum(s => (s.Seconds - meanX) * (s.Seconds - meanX));
        return (run.Count < Trend.MinimumSamples || spread <= 0 ? 0 : run.Sum(s => (s.Seconds - meanX) * (s.Count - meanY)) / spread, run.Count);
    }
}
