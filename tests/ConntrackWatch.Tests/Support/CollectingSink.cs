using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace ConntrackWatch.Tests.Support;

/// <summary>A Serilog sink that keeps every event, for tests of the real host's logging.</summary>
public sealed class CollectingSink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public IEnumerable<string> Messages => Events.Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Waits until an event matches, or fails with what was logged.</summary>
    public async Task<LogEvent> WaitForAsync(Func<LogEvent, bool> match, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            LogEvent? found = Events.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Fail("No matching log event. Logged:\n" + string.Join("\n", Messages));
        return null!;
    }

    public Task<LogEvent> WaitForEventAsync(int eventId, TimeSpan? timeout = null) =>
        WaitForAsync(e => EventId(e) == eventId, timeout);

    public int Count(int eventId) => Events.Count(e => EventId(e) == eventId);

    /// <summary>The event id: from the journal MESSAGE_ID that replaced it, or from the EventId of an unmapped event.</summary>
    public static int? EventId(LogEvent e) =>
        e.Properties.TryGetValue(ConntrackWatch.Logging.MessageIdEnricher.PropertyName, out LogEventPropertyValue? messageId)
        && messageId is ScalarValue { Value: string id }
            ? ConntrackWatch.Logging.MessageIds.ByEventId.Single(pair => pair.Value == id).Key
            : EventIdStructure(e);

    private static int? EventIdStructure(LogEvent e) =>
        e.Properties.TryGetValue("EventId", out LogEventPropertyValue? value)
        && value is StructureValue structure
        && structure.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int id }
            ? id
            : null;

    public static long Number(LogEvent e, string property) =>
        e.Properties[property] is ScalarValue { Value: { } value } ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : throw new KeyNotFoundException(property);
}
