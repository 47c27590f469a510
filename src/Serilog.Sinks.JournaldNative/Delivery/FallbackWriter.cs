using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Serilog.Sinks.JournaldNative.Delivery;

/// <summary>
/// Writes events as text lines while journald cannot take them. Standard error under systemd is itself read by
/// journald, as a stream, line by line: an event is one line, whatever its values hold, or a line feed in a value
/// would start an entry of its own (and "&lt;0&gt;" after it one at emergency priority). Unless the caller gives a
/// formatter of its own, C0 controls and DEL are written as <c>\xNN</c>.
/// </summary>
internal sealed class FallbackWriter(TextWriter writer, IFormatProvider? formatProvider, ITextFormatter? formatter = null)
{
    private readonly ITextFormatter _formatter = formatter ?? new MessageTemplateTextFormatter(
        "{Timestamp:yyyy-MM-dd HH:mm:ss} {Level:u3} {Message:lj} {Exception}", formatProvider ?? CultureInfo.InvariantCulture);

    private readonly bool _escape = formatter is null;

    public void Write(LogEvent logEvent)
    {
        lock (writer)
        {
            if (_escape)
            {
                using var rendered = new StringWriter(CultureInfo.InvariantCulture);
                _formatter.Format(logEvent, rendered);
                writer.Write(OneLine(rendered.ToString().TrimEnd()));
                writer.Write('\n');
            }
            else
            {
                _formatter.Format(logEvent, writer);
            }

            writer.Flush();
        }
    }

    public void Notice(string text)
    {
        lock (writer)
        {
            writer.WriteLine(text);
            writer.Flush();
        }
    }

    private static string OneLine(string text)
    {
        if (!text.Any(c => c < ' ' || c == '\x7f'))
        {
            return text;
        }

        var line = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            _ = c < ' ' || c == '\x7f' ? line.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}") : line.Append(c);
        }

        return line.ToString();
    }
}
