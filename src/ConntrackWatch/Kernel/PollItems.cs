using System.Collections;
using System.Runtime.CompilerServices;

namespace ConntrackWatch.Kernel;

/// <summary>
/// The items one poll read or decided, as a report carries them: a view of a <see cref="RefilledList{T}"/>'s filling
/// (no copy at each poll), or items of its own (a test's, or <c>status</c>'s adjusted ones). A report does not change
/// after it is made: read after the next poll refilled the list, a view throws, naming the fix; what must outlive the
/// poll is copied (<see cref="ToArray"/>) before then. <c>default</c> is empty.
/// </summary>
[CollectionBuilder(typeof(PollItems), nameof(PollItems.Create))]
internal readonly struct PollItems<T> : IReadOnlyList<T>
{
    private readonly RefilledList<T>? _list;
    private readonly T[]? _own;
    private readonly int _filling;

    internal PollItems(RefilledList<T> list, int filling)
    {
        _list = list;
        _filling = filling;
    }

    internal PollItems(T[] own) => _own = own;

    public int Count => _list is { } list ? Current(list).Count : _own?.Length ?? 0;

    public T this[int index] => _list is { } list ? Current(list)[index] : (_own ?? [])[index];

    public T[] ToArray()
    {
        var copy = new T[Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = this[i];
        }

        return copy;
    }

    /// <summary>Walks the items without boxing (foreach takes this over the interface's).</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<T> IEnumerable<T>.GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<T>)this).GetEnumerator();

    private RefilledList<T> Current(RefilledList<T> list) => list.Filling == _filling
        ? list
        : throw new InvalidOperationException(
            $"These {typeof(T).Name} items were read at an earlier poll and their list has been refilled since; copy them (ToArray) before the next poll to keep them");

    public struct Enumerator(PollItems<T> items)
    {
        private int _index = -1;

        public readonly T Current => items[_index];

        public bool MoveNext() => ++_index < items.Count;
    }
}

/// <summary>Makes <see cref="PollItems{T}"/> of their own from a collection expression (<c>[a, b]</c>).</summary>
internal static class PollItems
{
    public static PollItems<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
