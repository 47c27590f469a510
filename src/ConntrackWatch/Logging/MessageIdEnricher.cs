using Serilog.Core;
using Serilog.Events;

namespace ConntrackWatch.Logging;

/// <summary>
/// Adds the MessageId property (the journal's MESSAGE_ID field) to events whose Microsoft.Extensions.Logging
/// EventId has one, and removes that EventId: the MESSAGE_ID names the event, and EVENT_ID_ID and EVENT_ID_NAME
/// beside it would only be noise in the journal.
/// </summary>
internal sealed class MessageIdEnricher : ILogEventEnricher
{
    public const string PropertyName = "MessageId";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue("EventId", out LogEventPropertyValue? eventId)
            && eventId is StructureValue structure
            && structure.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int id }
            && MessageIds.ByEventId.TryGetValue(id, out string? messageId))
        {
            logEvent.AddPropertyIfAbsent(new LogEventProperty(PropertyName, new ScalarValue(messageId)));
            logEvent.RemovePropertyIfPresent("EventId");
        }
    }
}
