using Serilog.Core;
using Serilog.Events;

namespace ConntrackWatch.Logging;

/// <summary>
/// For JSON lines, the two fields the journal adds to every entry: MESSAGE_ID (from <see cref="MessageIdEnricher"/>'s
/// property, which it replaces) and PRIORITY (syslog's number for the level), so a log shipper selects and ranks
/// events as <c>journalctl MESSAGE_ID=</c> and <c>-p</c> do.
/// </summary>
internal sealed class JournalFieldsEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue(MessageIdEnricher.PropertyName, out LogEventPropertyValue? id))
        {
            logEvent.AddOrUpdateProperty(new LogEventProperty("MESSAGE_ID", id));
            logEvent.RemovePropertyIfPresent(MessageIdEnricher.PropertyName);
        }

        logEvent.AddOrUpdateProperty(new LogEventProperty("PRIORITY", new ScalarValue(Priority(logEvent.Level))));
    }

    // syslog(3): 2 critical, 3 error, 4 warning, 6 info, 7 debug.
    private static int Priority(LogEventLevel level) => level switch
    {
        LogEventLevel.Fatal => 2,
        LogEventLevel.Error => 3,
        LogEventLevel.Warning => 4,
        LogEventLevel.Information => 6,
        _ => 7,
    };
}
