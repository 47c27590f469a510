using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.JournaldNative;

namespace Serilog;

/// <summary>Adds <c>WriteTo.Journald()</c> to the logger configuration, as every Serilog sink does.</summary>
public static class JournaldLoggerConfigurationExtensions
{
    /// <summary>Writes events to systemd-journald through its native protocol.</summary>
    /// <param name="options">The socket, identifier, queue sizes and fallback; null: the defaults.</param>
    /// <param name="restrictedToMinimumLevel">The lowest level passed to the sink; ignored when <paramref name="levelSwitch"/> is given.</param>
    /// <param name="levelSwitch">Changes the sink's minimum level while the program runs.</param>
    public static LoggerConfiguration Journald(
        this LoggerSinkConfiguration sinkConfiguration,
        JournaldSinkOptions? options = null,
        LogEventLevel restrictedToMinimumLevel = LevelAlias.Minimum,
        LoggingLevelSwitch? levelSwitch = null)
    {
        ArgumentNullException.ThrowIfNull(sinkConfiguration);
        return sinkConfiguration.Sink(new JournaldSink(options ?? new JournaldSinkOptions()), restrictedToMinimumLevel, levelSwitch);
    }
}
