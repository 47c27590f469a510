using Serilog.Core;
using Serilog.Events;

namespace Serilog.Sinks.JournaldNative.Tests.Support;

/// <summary>Real Serilog events, made by a real logger, for encoder and sink tests.</summary>
public sealed class CapturedEvents : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public void Emit(LogEvent logEvent) => _events.Add(logEvent);

    public static LogEvent One(Action<ILogger> log)
    {
        var captured = new CapturedEvents();
        using Logger logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(captured).CreateLogger();
        log(logger);
        return Assert.Single(captured._events);
    }
}
