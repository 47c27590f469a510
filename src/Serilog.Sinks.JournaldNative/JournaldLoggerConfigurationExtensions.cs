using Serilog.Configuration;
using Serilog.Events;

namespace Serilog.Sinks.JournaldNative;

public static class JournaldLoggerConfigurationExtensions
{
    /// <summary>Writes events to systemd-journald through its native protocol.</summary>
    public static LoggerConfiguration Journald(
        this LoggerSinkConfiguration sinkConfiguration,
        JournaldSinkOptions options,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose)
    {
        ArgumentNullException.ThrowIfNull(sinkConfiguration);
        return sinkConfiguration.Sink(new JournaldSink(options), restrictedToMinimumLevel);
    }
}
