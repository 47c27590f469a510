using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.JournaldNative.Tests.Support;

namespace Serilog.Sinks.JournaldNative.Tests;

public sealed class JournaldSinkTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly StringWriter _fallback = new();

    public void Dispose()
    {
        _directory.Dispose();
        _fallback.Dispose();
    }

    private string SocketPath => _directory.Combine("journal.socket");

    private Logger Logger(int pendingCapacity = 10_000, TimeSpan? retry = null) =>
        new LoggerConfiguration().MinimumLevel.Verbose()
            .WriteTo.Journald(new JournaldSinkOptions
            {
                SocketPath = SocketPath,
                SyslogIdentifier = "sinktest",
                Fallback = _fallback,
                PendingCapacity = pendingCapacity,
                RetryInterval = retry ?? TimeSpan.FromHours(1),
            })
            .CreateLogger();

    private string FallbackText()
    {
        lock (_fallback)
        {
            return _fallback.ToString();
        }
    }

    private static string Message(DatagramReceiver receiver) =>
        JournalEntryParser.Parse(receiver.Receive().Bytes).Field("MESSAGE");

    [Fact]
    public void DeliversEveryEventInOrder()
    {
        using var receiver = new DatagramReceiver(SocketPath);
        using Logger logger = Logger();

        for (int i = 0; i < 100; i++)
        {
            logger.Information("event {Number}", i);
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"event {i}"), Enumerable.Range(0, 100).Select(_ => Message(receiver)));
        Assert.Equal(string.Empty, FallbackText());
    }

    [Fact]
    public void PassesOnlyTheLevelsItsSwitchOrMinimumAllows()
    {
        using var receiver = new DatagramReceiver(SocketPath);
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Warning);
        var options = new JournaldSinkOptions { SocketPath = SocketPath, Fallback = _fallback };
        using (Logger switched = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Journald(options, levelSwitch: levelSwitch).CreateLogger())
        {
            switched.Information("filtered by the switch");
            switched.Warning("first");
            levelSwitch.MinimumLevel = LogEventLevel.Information;
            switched.Information("second");
        }

        using (Logger restricted = new LoggerConfiguration().MinimumLevel.Verbose()
                   .WriteTo.Journald(options, restrictedToMinimumLevel: LogEventLevel.Error).CreateLogger())
        {
            restricted.Warning("filtered by the minimum");
            restricted.Error("third");
        }

        Assert.Equal(["first", "second", "third"], [Message(receiver), Message(receiver), Message(receiver)]);
    }

    [Fact]
    public async Task WritesToTheFallbackAtOnceAndDeliversKeptWarningsInOrderWhenJournaldIsBack()
    {
        using Logger logger = Logger();
        logger.Information("info while down");
        logger.Warning("warning while down");
        logger.Error("error while down");
        await Eventually.TrueAsync(() => FallbackText().Contains("error while down", StringComparison.Ordinal), "the fallback has the error");

        string fallback = FallbackText();
        Assert.Contains("journald unavailable", fallback, StringComparison.Ordinal);
        Assert.Contains(SocketPath, fallback, StringComparison.Ordinal);
        Assert.Contains("INF info while down", fallback, StringComparison.Ordinal);
        Assert.Contains("WRN warning while down", fallback, StringComparison.Ordinal);

        using var receiver = new DatagramReceiver(SocketPath);
        logger.Information("info after");

        Assert.Equal("warning while down", Message(receiver));
        Assert.Equal("error while down", Message(receiver));
        Assert.Equal("info after", Message(receiver));
        Assert.False(receiver.HasPending(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task AnEventOnTheFallbackIsOneLineWhateverItsValuesHold()
    {
        // Standard error under systemd is journald's stream: a line feed would start an entry of its own.
        using Logger logger = Logger();
        logger.Error("raised for {Name}", "x\n<0>PANIC\u001b[2J");
        await Eventually.TrueAsync(() => FallbackText().Contains("raised for", StringComparison.Ordinal), "the fallback has the error");

        string line = Assert.Single(FallbackText().Split('\n'), l => l.Contains("raised for", StringComparison.Ordinal));
        Assert.EndsWith(@"ERR raised for x\x0a<0>PANIC\x1b[2J", line, StringComparison.Ordinal);
        Assert.DoesNotContain(FallbackText().Split('\n'), l => l.StartsWith("<0>", StringComparison.Ordinal));
    }

    [Fact]
    public void RetriesOnItsOwnWhenNothingNewIsLogged()
    {
        using Logger logger = Logger(retry: TimeSpan.FromMilliseconds(50));
        logger.Warning("kept");

        using var receiver = new DatagramReceiver(SocketPath);

        Assert.Equal("kept", Message(receiver));
    }

    [Fact]
    public async Task DropsTheOldestKeptEventsWhenFullAndSaysHowMany()
    {
        using Logger logger = Logger(pendingCapacity: 3);
        for (int i = 1; i <= 5; i++)
        {
            logger.Warning("warning {Number}", i);
        }

        await Eventually.TrueAsync(() => FallbackText().Contains("warning 5", StringComparison.Ordinal), "all five were handled");
        using var receiver = new DatagramReceiver(SocketPath);
        logger.Information("trigger");

        Assert.Equal(["warning 3", "warning 4", "warning 5"], new[] { Message(receiver), Message(receiver), Message(receiver) });
        var notice = JournalEntryParser.Parse(receiver.Receive().Bytes);
        Assert.Contains("2 warning and error events were dropped", notice.Field("MESSAGE"), StringComparison.Ordinal);
        Assert.Equal("4", notice.Field("PRIORITY"));
        Assert.Equal("trigger", Message(receiver));
    }

    [Fact]
    public async Task DeliversWhatIsQueuedWhenDisposed()
    {
        using var receiver = new DatagramReceiver(SocketPath);
        Task<string[]> received = Task.Run(() => Enumerable.Range(0, 500).Select(_ => Message(receiver)).ToArray());
        Logger logger = Logger();
        for (int i = 0; i < 500; i++)
        {
            logger.Information("last words {Number}", i);
        }

        logger.Dispose();

        string[] messages = await received.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal("last words 499", messages[^1]);
        Assert.Equal(string.Empty, FallbackText());
    }
}
