namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>
/// Counts keys in a stream in bounded memory: the space-saving algorithm (Metwally, Agrawal, El Abbadi, 2005) over
/// an indexed min-heap. While fewer distinct keys than the capacity have come, every count is exact. Beyond it, a
/// new key takes the place of the least counted one and inherits its count as its possible error: a count then
/// over-states by at most that error, a key with error 0 is still exact, and any key seen more than N / capacity
/// times (N entries in all) is certain to be kept. Not thread-safe.
/// </summary>
internal sealed class SpaceSaving<TKey>
    where TKey : notnull, IEquatable<TKey>
{
    private readonly Dictionary<TKey, int> _slotOf;
    private readonly TKey[] _keys;
    private readonly long[] _counts;
    private readonly long[] _errors;
    private int _size;
    private int _dictionaryCapacity;

    public SpaceSaving(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _dictionaryCapacity = Math.Min(capacity, 4096);
        _slotOf = new Dictionary<TKey, int>(_dictionaryCapacity);
        _keys = new TKey[capacity];
        _counts = new long[capacity];
        _errors = new long[capacity];
    }

    public int Capacity => _keys.Length;

    /// <summary>Entries counted in all.</summary>
    public long Total { get; private set; }

    /// <summary>True once a key was evicted: from then on some counts may be over-stated.</summary>
    public bool Overflowed { get; private set; }

    public void Add(TKey key)
    {
        Total++;
        if (_slotOf.TryGetValue(key, out int slot))
        {
            _counts[slot]++;
            SiftDown(slot);
            return;
        }

        if (_size < _keys.Length)
        {
            // A small table keeps a small dictionary; one that outgrows it takes its final size at once: doubling
            // step by step left each smaller copy behind as garbage (10 MB per list, in peak memory).
            if (_size == _dictionaryCapacity)
            {
                _dictionaryCapacity = _keys.Length;
                _slotOf.EnsureCapacity(_dictionaryCapacity);
            }

            slot = _size++;
            Place(slot, key, 1, 0);
            SiftUp(slot);
            return;
        }

        // Full: the least counted key (the heap's root) gives its place, and its count as the error bound.
        Overflowed = true;
        long least = _counts[0];
        _slotOf.Remove(_keys[0]);
        Place(0, key, least + 1, least);
        SiftDown(0);
    }

    /// <summary>The <paramref name="n"/> most counted keys, most first (ties in no set order).</summary>
    public IReadOnlyList<TopCount<TKey>> Top(int n)
    {
        var top = new List<TopCount<TKey>>(_size);
        for (int i = 0; i < _size; i++)
        {
            top.Add(new TopCount<TKey>(_keys[i], _counts[i], _errors[i]));
        }

        top.Sort(static (a, b) => b.Count.CompareTo(a.Count));
        return top.Count > n ? top.GetRange(0, n) : top;
    }

    private void Place(int slot, TKey key, long count, long error)
    {
        _keys[slot] = key;
        _counts[slot] = count;
        _errors[slot] = error;
        _slotOf[key] = slot;
    }

    private void SiftUp(int slot)
    {
        while (slot > 0)
        {
            int parent = (slot - 1) / 2;
            if (_counts[parent] <= _counts[slot])
            {
                return;
            }

            Swap(slot, parent);
            slot = parent;
        }
    }

    private void SiftDown(int slot)
    {
        while (true)
        {
            int left = (2 * slot) + 1;
            if (left >= _size)
            {
                return;
            }

            int smaller = left + 1 < _size && _counts[left + 1] < _counts[left] ? left + 1 : left;
            if (_counts[slot] <= _counts[smaller])
            {
                return;
            }

            Swap(slot, smaller);
            slot = smaller;
        }
    }

    private void Swap(int a, int b)
    {
        (_keys[a], _keys[b]) = (_keys[b], _keys[a]);
        (_counts[a], _counts[b]) = (_counts[b], _counts[a]);
        (_errors[a], _errors[b]) = (_errors[b], _errors[a]);
        _slotOf[_keys[a]] = a;
        _slotOf[_keys[b]] = b;
    }
}
