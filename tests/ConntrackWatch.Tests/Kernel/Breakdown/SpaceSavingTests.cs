using ConntrackWatch.Kernel.Breakdown;

namespace ConntrackWatch.Tests.Kernel.Breakdown;

public sealed class SpaceSavingTests
{
    [Fact]
    public void CountsExactlyWhileTheKeysFit()
    {
        var counts = new SpaceSaving<int>(capacity: 100);
        var truth = new Dictionary<int, long>();
        var random = new Random(7);
        for (int i = 0; i < 50_000; i++)
        {
            int key = random.Next(100);
            counts.Add(key);
            truth[key] = truth.GetValueOrDefault(key) + 1;
        }

        IReadOnlyList<TopCount<int>> top = counts.Top(100);

        Assert.False(counts.Overflowed);
        Assert.All(top, t => Assert.True(t.IsExact));
        Assert.Equal(truth.OrderByDescending(p => p.Value).Select(p => p.Value), top.Select(t => t.Count));
        Assert.All(top, t => Assert.Equal(truth[t.Key], t.Count));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BeyondItsCapacityKeepsTheHeavyKeysAndNeverPassesAnOverstatedCountOffAsExact(int seed)
    {
        // A few heavy sources among a million one-off ones, in random order.
        var stream = new List<int>();
        stream.AddRange(Enumerable.Repeat(-1, 60_000));
        stream.AddRange(Enumerable.Repeat(-2, 30_000));
        stream.AddRange(Enumerable.Repeat(-3, 10_000));
        stream.AddRange(Enumerable.Range(0, 1_000_000));
        var random = new Random(seed);
        int[] shuffled = [.. stream.OrderBy(_ => random.Next())];
        var counts = new SpaceSaving<int>(capacity: 1_000);

        foreach (int key in shuffled)
        {
            counts.Add(key);
        }

        IReadOnlyList<TopCount<int>> top = counts.Top(3);
        Assert.True(counts.Overflowed);
        Assert.Equal([-1, -2, -3], top.Select(t => t.Key));
        var truth = new Dictionary<int, long> { [-1] = 60_000, [-2] = 30_000, [-3] = 10_000 };
        foreach (TopCount<int> each in counts.Top(counts.Capacity))
        {
            long actual = truth.GetValueOrDefault(each.Key, 1);
            Assert.InRange(actual, each.AtLeast, each.Count); // the true count lies within the stated bounds
            Assert.True(!each.IsExact || each.Count == actual, $"{each.Key}: stated exact {each.Count}, is {actual}");
        }
    }

    [Fact]
    public void HoldsNoMoreKeysThanItsCapacityWhateverComes()
    {
        var counts = new SpaceSaving<long>(capacity: 64);

        for (long key = 0; key < 100_000; key++)
        {
            counts.Add(key);
        }

        Assert.Equal(64, counts.Top(int.MaxValue).Count);
        Assert.Equal(100_000, counts.Total);
    }
}
