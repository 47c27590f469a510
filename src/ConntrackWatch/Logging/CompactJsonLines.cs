using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace ConntrackWatch.Logging;

/// <summary>
/// One JSON object a line in Serilog's compact form (CLEF: <c>@t</c>, <c>@m</c>, <c>@i</c>, <c>@l</c> unless
/// Information, <c>@x</c>, then every property as its own field), as <see cref="RenderedCompactJsonFormatter"/>
/// writes it, but for the message: rendered as the journal's MESSAGE is (<c>{Message:l}</c>), so a log shipper shows
/// <c>Serving /metrics on http://0.0.0.0:9101/</c>, not the value quoted inside the sentence. Control characters of
/// any value are escaped by the JSON string writer: a line stays one line.
/// </summary>
internal sealed class CompactJsonLines : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _message = new("{Message:l}", CultureInfo.InvariantCulture);
    private readonly JsonValueFormatter _values = new(typeTagName: "$type");

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write("{\"@t\":\"");
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        output.Write("\",\"@m\":");
        using (var message = new StringWriter(CultureInfo.InvariantCulture))
        {
            _message.Format(logEvent, message);
            JsonValueFormatter.WriteQuotedJsonString(message.ToString(), output);
        }

        output.Write(",\"@i\":\"");
        output.Write(EventIdHash.Compute(logEvent.MessageTemplate.Text).ToString("x8", CultureInfo.InvariantCulture));
        output.Write('"');
        if (logEvent.Level != LogEventLevel.Information)
        {
            output.Write(",\"@l\":\"");
            output.Write(logEvent.Level.ToString());
            output.Write('"');
        }

        if (logEvent.Exception is { } exception)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(exception.ToString(), output);
        }

        foreach ((string name, LogEventPropertyValue value) in logEvent.Properties)
        {
            output.Write(',');
            // CLEF's rule: a property of the event's own whose name starts with @ is written with it doubled.
            JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, output);
            output.Write(':');
            _values.Format(value, output);
        }

        output.Write('}');
        output.Write('\n');
    }
}
