using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Serilog.Sinks.JournaldNative.Protocol;

/// <summary>
/// Maps a Serilog event to a journal entry: MESSAGE (rendered), PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_TEMPLATE,
/// every property as its own field (structures flattened to PARENT_CHILD), and the exception in full.
/// Not thread-safe: one instance per sending thread.
/// </summary>
internal sealed class LogEventEncoder(string syslogIdentifier, IFormatProvider? formatProvider = null)
{
    private static readonly HashSet<string> SinkFields =
    [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "MESSAGE_TEMPLATE",
        "EXCEPTION", "EXCEPTION_TYPE", "EXCEPTION_MESSAGE", "EXCEPTION_STACKTRACE",
    ];

    private readonly JournalEntryBuilder _entry = new();
    private readonly Dictionary<string, string?> _names = new(StringComparer.Ordinal);
    private readonly IFormatProvider _format = formatProvider ?? CultureInfo.InvariantCulture;
    private MessageTemplateTextFormatter? _messageFormatter;

    /// <summary>syslog priorities: Verbose and Debug 7, Information 6, Warning 4, Error 3, Fatal 2.</summary>
    public static string Priority(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "7",
        LogEventLevel.Information => "6",
        LogEventLevel.Warning => "4",
        LogEventLevel.Error => "3",
        _ => "2",
    };

    /// <summary>The entry's bytes, valid until the next call.</summary>
    public ReadOnlyMemory<byte> Encode(LogEvent logEvent)
    {
        _entry.Clear();
        _entry.Add("MESSAGE", RenderMessage(logEvent));
        _entry.Add("PRIORITY", Priority(logEvent.Level));
        _entry.Add("SYSLOG_IDENTIFIER", syslogIdentifier);
        _entry.Add("MESSAGE_TEMPLATE", logEvent.MessageTemplate.Text);
        foreach ((string name, LogEventPropertyValue value) in logEvent.Properties)
        {
            AddProperty(FieldFor(name), value);
        }

        if (logEvent.Exception is { } exception)
        {
            _entry.Add("EXCEPTION", exception.ToString());
            _entry.Add("EXCEPTION_TYPE", exception.GetType().FullName ?? exception.GetType().Name);
            _entry.Add("EXCEPTION_MESSAGE", exception.Message);
            if (exception.StackTrace is { } stackTrace)
            {
                _entry.Add("EXCEPTION_STACKTRACE", stackTrace);
            }
        }

        return _entry.Written;
    }

    // ":l" renders string properties without quotes, as a person reads them in journalctl.
    private ReadOnlySpan<char> RenderMessage(LogEvent logEvent)
    {
        _messageFormatter ??= new MessageTemplateTextFormatter("{Message:l}", _format);
        using var message = new StringWriter(CultureInfo.InvariantCulture);
        _messageFormatter.Format(logEvent, message);
        return message.ToString();
    }

    private void AddProperty(string? field, LogEventPropertyValue value)
    {
        if (field is null)
        {
            return;
        }

        switch (value)
        {
            case ScalarValue { Value: null }:
                _entry.Add(field, string.Empty);
                break;
            case ScalarValue { Value: string text }:
                _entry.Add(field, text);
                break;
            case ScalarValue { Value: IFormattable formattable }:
                _entry.Add(field, formattable.ToString(null, _format));
                break;
            case ScalarValue scalar:
                _entry.Add(field, scalar.Value.ToString());
                break;
            case StructureValue structure:
                foreach (LogEventProperty child in structure.Properties)
                {
                    AddProperty(JournalFieldName.FromPropertyName($"{field}_{child.Name}"), child.Value);
                }

                break;
            default:
                _entry.Add(field, value.ToString(null, _format));
                break;
        }
    }

    private string? FieldFor(string propertyName)
    {
        if (!_names.TryGetValue(propertyName, out string? field))
        {
            field = JournalFieldName.FromPropertyName(propertyName);
            // A property must not add a second MESSAGE or PRIORITY to the entry.
            if (field is not null && SinkFields.Contains(field))
            {
                field = JournalFieldName.FromPropertyName(field + "_PROPERTY");
            }

            _names[propertyName] = field;
        }

        return field;
    }
}
