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
}
