using System.Globalization;
using ConntrackWatch.Text;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace ConntrackWatch.Logging;

/// <summary>
/// One log event, one line, for the standard-error path, which systemd's journald reads as a stream (a run by
/// hand, Journald:Enabled=false, the fallback while journald is down): a line feed inside any value would start
/// an entry of its own, a "&lt;0&gt;" after it at emergency priority. Every control character of the rendered
/// event, in a value or an exception's text, is escaped (<see cref="ExternalText.Escape"/>).
/// </summary>
internal sealed class OneLineFormatter(string outputTemplate) : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _template = new(outputTemplate, CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var rendered = new StringWriter(CultureInfo.InvariantCulture);
        _template.Format(logEvent, rendered);
        output.Write(ExternalText.Escape(rendered.ToString().TrimEnd()));
        output.Write('\n');
    }
}
