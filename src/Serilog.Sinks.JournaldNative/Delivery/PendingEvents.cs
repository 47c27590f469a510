using Serilog.Events;

namespace Serilog.Sinks.JournaldNative.Delivery;

/// <summary>A bounded first-in first-out store of events awaiting journald; drops and counts the oldest when full.</summary>
internal sealed class PendingEvents(int capacity)
{
    private readonly Queue<LogEvent> _events = new();

    public int Count => _events.Count;

    public int Capacity => capacity;

    /// <summary>Events dropped since the last <see cref="TakeDropped"/>.</summary>
    public long Dropped { get; private set; }

    public void Add(LogEvent logEvent)
    {
        if (_events.Count >= capacity)
        {
            _events.Dequeue();
            Dropped++;
        }

        _events.Enqueue(logEvent);
    }

    public bool TryPeek(out LogEvent logEvent) => _events.TryPeek(out logEvent!);

    public void RemoveOldest() => _events.Dequeue();

    public long TakeDropped()
    {
        long dropped = Dropped;
        Dropped = 0;
        return dropped;
    }
}
