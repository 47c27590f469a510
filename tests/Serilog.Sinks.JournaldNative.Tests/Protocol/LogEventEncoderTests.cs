using Serilog.Events;
using Serilog.Sinks.JournaldNative.Protocol;
using Serilog.Sinks.JournaldNative.Tests.Support;

namespace Serilog.Sinks.JournaldNative.Tests.Protocol;

public sealed class LogEventEncoderTests
{
    private static IReadOnlyList<KeyValuePair<string, string>> Encode(LogEvent logEvent) =>
        JournalEntryParser.Parse(new LogEventEncoder("conntrackwatch").Encode(logEvent).Span);

    [Fact]
    public void SendsTheRenderedMessageTheTemplateTheIdentifierAndEveryPropertyAsAField()
    {
        LogEvent logEvent = CapturedEvents.One(log => log.Warning(
            "Raised from {OldMax} to {NewMax}: {Reason}", 100, 120, "count reached the mark"));

        var fields = Encode(logEvent);

        Assert.Equal("Raised from 100 to 120: count reached the mark", fields.Field("MESSAGE"));
        Assert.Equal("Raised from {OldMax} to {NewMax}: {Reason}", fields.Field("MESSAGE_TEMPLATE"));
        Assert.Equal("conntrackwatch", fields.Field("SYSLOG_IDENTIFIER"));
        Assert.Equal("4", fields.Field("PRIORITY"));
        Assert.Equal("100", fields.Field("OLD_MAX"));
        Assert.Equal("120", fields.Field("NEW_MAX"));
        Assert.Equal("count reached the mark", fields.Field("REASON"));
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, "7")]
    [InlineData(LogEventLevel.Debug, "7")]
    [InlineData(LogEventLevel.Information, "6")]
    [InlineData(LogEventLevel.Warning, "4")]
    [InlineData(LogEventLevel.Error, "3")]
    [InlineData(LogEventLevel.Fatal, "2")]
    public void MapsLevelsToSyslogPriorities(LogEventLevel level, string priority)
    {
        LogEvent logEvent = CapturedEvents.One(log => log.Write(level, "x"));

        Assert.Equal(priority, Encode(logEvent).Field("PRIORITY"));
    }

    [Fact]
    public void SendsAnExceptionInFullInItsOwnFields()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("outer", new IOException("inner"));
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        LogEvent logEvent = CapturedEvents.One(log => log.Error(thrown, "Poll failed"));

        var fields = Encode(logEvent);

        Assert.Equal("Poll failed", fields.Field("MESSAGE"));
        Assert.Equal("System.InvalidOperationException", fields.Field("EXCEPTION_TYPE"));
        Assert.Equal("outer", fields.Field("EXCEPTION_MESSAGE"));
        Assert.Contains("SendsAnExceptionInFullInItsOwnFields", fields.Field("EXCEPTION_STACKTRACE"), StringComparison.Ordinal);
        Assert.Equal(thrown.ToString(), fields.Field("EXCEPTION"));
        Assert.Contains("System.IO.IOException: inner", fields.Field("EXCEPTION"), StringComparison.Ordinal);
    }

    [Fact]
    public void FlattensStructuresIntoParentChildFields()
    {
        LogEvent logEvent = CapturedEvents.One(log => log.ForContext("EventId", new { Id = 20, Name = "Raised" }, destructureObjects: true).Information("x"));

        var fields = Encode(logEvent);

        Assert.Equal("20", fields.Field("EVENT_ID_ID"));
        Assert.Equal("Raised", fields.Field("EVENT_ID_NAME"));
    }

    [Fact]
    public void RendersNumbersInvariantlyAndSequencesAsText()
    {
        LogEvent logEvent = CapturedEvents.One(log => log.Information("{Percent} {Paths}", 12.5, new[] { "a", "b" }));

        var fields = Encode(logEvent);

        Assert.Equal("12.5", fields.Field("PERCENT"));
        Assert.Equal("[\"a\", \"b\"]", fields.Field("PATHS"));
    }

    [Fact]
    public void NeverLetsAPropertyAddASecondMessageOrPriority()
    {
        LogEvent logEvent = CapturedEvents.One(log => log.ForContext("Message", "sneaky").ForContext("Priority", 0).Information("real"));

        var fields = Encode(logEvent);

        Assert.Equal("real", fields.Field("MESSAGE"));
        Assert.Equal("6", fields.Field("PRIORITY"));
        Assert.Equal("sneaky", fields.Field("MESSAGE_PROPERTY"));
        Assert.Equal("0", fields.Field("PRIORITY_PROPERTY"));
    }

    [Fact]
    public void PassesAMessageIdPropertyThroughAsTheJournalsMessageId()
    {
        LogEvent logEvent = CapturedEvents.One(log => log.ForContext("MessageId", "5e0f4bb1c9a54c8b9a1e0b3c2d4e6f70").Warning("x"));

        Assert.Equal("5e0f4bb1c9a54c8b9a1e0b3c2d4e6f70", Encode(logEvent).Field("MESSAGE_ID"));
    }
}
