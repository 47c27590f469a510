using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

public sealed class PollItemsTests
{
    [Fact]
    public void AViewShowsItsFillingAndIsSpentWhenTheListIsRefilled()
    {
        var list = new RefilledList<int>();
        list.Add(1);
        list.Add(2);
        PollItems<int> first = list.Items;

        Assert.Equal([1, 2], first); // through the interface, as LINQ and status read it
        int sum = 0;
        foreach (int item in first) // through the struct enumerator, as the poll reads it
        {
            sum += item;
        }

        Assert.Equal(3, sum);

        list.Refill();
        list.Add(7);

        Assert.Equal([7], list.Items);
        Assert.Throws<InvalidOperationException>(() => first.Count);
        Assert.Throws<InvalidOperationException>(() => first.GetEnumerator().MoveNext());
        Assert.Throws<InvalidOperationException>(() => first.ToArray());
    }

    [Fact]
    public void ItemsOfTheirOwnAndTheDefaultNeverChange()
    {
        PollItems<string> own = ["a", "b"];
        PollItems<string> none = default;

        Assert.Equal(["a", "b"], own);
        Assert.Equal("b", own[1]);
        Assert.Empty(none);
        Assert.Empty(none.ToArray()); // ToArray reads Count
        Assert.Throws<IndexOutOfRangeException>(() => none[0]);
    }

    [Fact]
    public void AViewOfAnEmptyFillingIsEmptyUntilTheNextRefill()
    {
        var list = new RefilledList<int>();
        PollItems<int> empty = list.Items;

        Assert.Empty(empty);
        list.Refill();
        Assert.Throws<InvalidOperationException>(() => empty.Count);
    }
}
