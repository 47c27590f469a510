using ConntrackWatch.Hosting;
using ConntrackWatch.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace ConntrackWatch.Tests.Logging;

public sealed class OneLineFormatterTests
{
    [Fact]
    public void AnEventIsOneLineWhateverItsValuesAndExceptionHold()
    {
        var template = new MessageTemplateParser().Parse("Raised for {Namespace}: {Reason}, checking every {Interval}");
        var logEvent = new LogEvent(
            new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), LogEventLevel.Warning, new InvalidOperationException("two\nlines"), template,
            [
                new LogEventProperty("Namespace", new ScalarValue("x\n<0>PANIC\nx")), new LogEventProperty("Reason", new ScalarValue("\u001b[2J\u202e")),
                new LogEventProperty("Interval", new ScalarValue(TimeSpan.FromSeconds(5))),
            ]);
        using var output = new StringWriter();

        new OneLineFormatter(LoggingSetup.ConsoleTemplate).Format(logEvent, output);

        string text = output.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text[..^1], c => char.IsControl(c) || c == '\u202e');
        Assert.StartsWith(@"2026-12-01 08:00:00 WRN Raised for x\x0a<0>PANIC\x0ax: \x1b[2J\u202e, checking every 00:00:05 System.InvalidOperationException: two\x0alines", text, StringComparison.Ordinal);
    }
}
