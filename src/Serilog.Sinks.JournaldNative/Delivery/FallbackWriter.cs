using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Serilog.Sinks.JournaldNative.Delivery;

/// <summary>Writes events as text lines while journald cannot take them.</summary>
internal sealed class FallbackWriter(TextWriter writer, IFormatProvider? formatProvider)
{
    private readonly MessageTemplateTextFormatter _formatter = new(
        "{Timestamp:yyyy-MM-dd HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
        formatProvider ?? CultureInfo.InvariantCulture);

    public void Write(LogEvent logEvent)
    {
        lock (writer)
        {
            _formatter.Format(logEvent, writer);
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
}
