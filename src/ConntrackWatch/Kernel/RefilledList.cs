namespace ConntrackWatch.Kernel;

/// <summary>
/// A list each poll empties and fills again, kept so that a poll makes no garbage. What it hands out is a
/// <see cref="PollItems{T}"/> view of one filling: a report keeps its own items, and a view read after the list
/// was refilled throws rather than show another poll's items as its own.
/// </summary>
internal sealed class RefilledList<T>
{
    private readonly List<T> _items = [];

    /// <summary>Which filling the list holds: each <see cref="Refill"/> starts the next.</summary>
    public int Filling { get; private set; }

    public int Count => _items.Count;

    public T this[int index] => _items[index];

    /// <summary>The items of the filling now in the list.</summary>
    public PollItems<T> Items => new(this, Filling);

    /// <summary>Empties the list for the next poll: every view of the last filling is spent.</summary>
    public void Refill()
    {
        Filling++;
        _items.Clear();
    }

    public void Add(T item) => _items.Add(item);
}
