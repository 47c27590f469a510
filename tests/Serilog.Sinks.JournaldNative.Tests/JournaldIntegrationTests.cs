using System.Text.Json;
using Serilog.Core;
using Serilog.Sinks.JournaldNative.Tests.Support;

namespace Serilog.Sinks.JournaldNative.Tests;

/// <summary>The sink against a real systemd-journald in a journal namespace of its own, read back with journalctl.</summary>
[Collection(SerialTests.Name)]
public sealed class JournaldIntegrationTests : IDisposable
{
    private readonly JournaldNamespace _journal = new();
    private readonly StringWriter _fallback = new();

    public void Dispose()
    {
        _journal.Dispose();
        _fallback.Dispose();
    }

    private string FallbackText()
    {
        lock (_fallback)
        {
            return _fallback.ToString();
        }
    }

    private Logger Logger() => new LoggerConfiguration().MinimumLevel.Verbose()
        .WriteTo.Journald(new JournaldSinkOptions
        {
            SocketPath = _journal.SocketPath,
            SyslogIdentifier = "conntrackwatch-test",
            Fallback = _fallback,
            RetryInterval = TimeSpan.FromMilliseconds(100),
        })
        .CreateLogger();

    private static void RequireJournald()
    {
        Prerequisite.RequireRoot();
        Prerequisite.Require(JournaldNamespace.DaemonPath is not null, "needs systemd-journald (package systemd)");
        Prerequisite.RequireExecutable("journalctl");
    }

    private async Task<JsonElement> EntryAsync(string message)
    {
        JsonElement? found = null;
        await Eventually.TrueAsync(
            () => (found = _journal.Entries().Cast<JsonElement?>().FirstOrDefault(e => e!.Value.TryGetProperty("MESSAGE", out JsonElement m) && m.GetString() == message)) is not null,
            $"journalctl shows '{message}'", TimeSpan.FromSeconds(20));
        return found!.Value;
    }

    [Fact]
    public async Task JournaldStoresEveryFieldPriorityAndMessageId()
    {
        RequireJournald();
        await _journal.StartAsync();
        using Logger logger = Logger();

        logger.ForContext("MessageId", "6a3e2f0a1b2c4d5e8f90a1b2c3d4e5f6")
            .Warning("Raised nf_conntrack_max from {OldMax} to {NewMax}: {Reason}", 100, 120, "count 65 reached 60");
        logger.Error("Memory ceiling reached at {MemoryCeiling}", 110);

        JsonElement raised = await EntryAsync("Raised nf_conntrack_max from 100 to 120: count 65 reached 60");
        Assert.Equal("4", raised.GetProperty("PRIORITY").GetString());
        Assert.Equal("6a3e2f0a1b2c4d5e8f90a1b2c3d4e5f6", raised.GetProperty("MESSAGE_ID").GetString());
        Assert.Equal("100", raised.GetProperty("OLD_MAX").GetString());
        Assert.Equal("120", raised.GetProperty("NEW_MAX").GetString());
        Assert.Equal("conntrackwatch-test", raised.GetProperty("SYSLOG_IDENTIFIER").GetString());
        Assert.Equal("journal", raised.GetProperty("_TRANSPORT").GetString());
        JsonElement alarm = await EntryAsync("Memory ceiling reached at 110");
        Assert.Equal("3", alarm.GetProperty("PRIORITY").GetString());
    }

    [Fact]
    public async Task JournaldStoresAMultiLineExceptionAndASeveralMebibyteEntry()
    {
        RequireJournald();
        await _journal.StartAsync();
        using Logger logger = Logger();
        Exception thrown;
        try
        {
            throw new InvalidOperationException("poll blew up");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        string large = string.Concat(Enumerable.Repeat("conntrack entry line\n", 300_000)); // about 6 MiB
        logger.Error(thrown, "Poll failed");
        logger.Warning("Large {Payload}", large);

        JsonElement failed = await EntryAsync("Poll failed");
        Assert.Equal(thrown.ToString(), failed.GetProperty("EXCEPTION").GetString());
        Assert.Contains('\n', failed.GetProperty("EXCEPTION").GetString()!);
        Assert.Equal("System.InvalidOperationException", failed.GetProperty("EXCEPTION_TYPE").GetString());
        JsonElement stored = await EntryAsync("Large " + large);
        Assert.Equal(large, stored.GetProperty("PAYLOAD").GetString());
        Assert.Equal(string.Empty, FallbackText());
    }

    [Fact]
    public async Task WarningsLoggedWhileJournaldIsDownArriveInOrderOnceItStarts()
    {
        RequireJournald();
        using Logger logger = Logger();
        logger.Warning("first while down");
        logger.Information("info while down");
        logger.Error("second while down");
        await Eventually.TrueAsync(() => FallbackText().Contains("second while down", StringComparison.Ordinal), "the fallback has both");

        await _journal.StartAsync();

        JsonElement first = await EntryAsync("first while down");
        JsonElement second = await EntryAsync("second while down");
        Assert.True(
            long.Parse(first.GetProperty("__MONOTONIC_TIMESTAMP").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            <= long.Parse(second.GetProperty("__MONOTONIC_TIMESTAMP").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(_journal.Entries(), e => e.TryGetProperty("MESSAGE", out JsonElement m) && m.GetString() == "info while down");
        Assert.Contains("INF info while down", FallbackText(), StringComparison.Ordinal);
    }
}
