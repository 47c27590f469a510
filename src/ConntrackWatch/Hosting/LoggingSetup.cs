using System.Globalization;
using ConntrackWatch.Configuration;
using ConntrackWatch.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Sinks.JournaldNative;

namespace ConntrackWatch.Hosting;

/// <summary>Serilog, configured in code (no reflection-based settings reader, so Native AOT stays clean).</summary>
internal static class LoggingSetup
{
    /// <summary>Standard error's line: values as they are (no quotes), the exception after the message, one line (<see cref="OneLineFormatter"/>).</summary>
    public const string ConsoleTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss} {Level:u3} {Message:l} {Exception}";

    /// <summary>To journald when <paramref name="journald"/> is given, else to standard error, as JSON lines where <paramref name="json"/>.</summary>
    public static LoggerConfiguration Configure(LoggerConfiguration logger, JournaldOptions? journald, bool json = false)
    {
        logger.MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.With<MessageIdEnricher>();

        if (journald is not null)
        {
            return logger.WriteTo.Journald(new JournaldSinkOptions
            {
                SocketPath = journald.SocketPath,
                SyslogIdentifier = journald.SyslogIdentifier,
                FormatProvider = CultureInfo.InvariantCulture,
                // While journald is down: standard error, which systemd reads as a stream, one escaped line per event.
                FallbackFormatter = new OneLineFormatter(ConsoleTemplate),
            });
        }

        // Standard error only: standard output belongs to `status --json`. One line per event, whatever it holds:
        // JSON escapes every control character of a value.
        return json
            ? logger.Enrich.With<JournalFieldsEnricher>().WriteTo.Console(new CompactJsonLines(), standardErrorFromLevel: LogEventLevel.Verbose)
            : logger.WriteTo.Console(new OneLineFormatter(ConsoleTemplate), standardErrorFromLevel: LogEventLevel.Verbose);
    }
}
