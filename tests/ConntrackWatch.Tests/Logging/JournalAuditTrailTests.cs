using System.Text.Json;
using ConntrackWatch.Logging;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Logging;

/// <summary>The daemon writing its audit trail into a real systemd-journald, read back as an admin would.</summary>
[Collection(SerialTests.Name)]
public sealed class JournalAuditTrailTests
{
    [Fact]
    public async Task EveryRaiseIsInTheJournalUnderItsMessageIdWithItsNumbers()
    {
        Prerequisite.RequireRoot();
        Prerequisite.Require(JournaldNamespace.DaemonPath is not null, "needs systemd-journald (package systemd)");
        string journalctl = Prerequisite.RequireExecutable("journalctl");
        using var journal = new JournaldNamespace();
        await journal.StartAsync();
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);

        await using (var daemon = InProcessDaemon.Start(tree, null, "--Journald:Enabled=true", $"--Journald:SocketPath={journal.SocketPath}"))
        {
            await daemon.Sink.WaitForEventAsync(LogEvents.Raised);
            Assert.Equal(0, await daemon.StopAsync());
        }

        string raisedId = MessageIds.ByEventId[LogEvents.Raised];
        string output = string.Empty;
        await Eventually.TrueAsync(() =>
        {
            output = Command.Run(journalctl, $"--namespace={journal.Name}", $"MESSAGE_ID={raisedId}", "-o", "json", "--no-pager").Output;
            return output.Length > 0;
        }, "journalctl MESSAGE_ID=<raised> lists the raise");

        JsonElement raised = JsonDocument.Parse(output.Split('\n')[0]).RootElement;
        Assert.Equal("conntrackwatch", raised.GetProperty("SYSLOG_IDENTIFIER").GetString());
        Assert.Equal("4", raised.GetProperty("PRIORITY").GetString());
        Assert.Equal("100", raised.GetProperty("OLD_MAX").GetString());
        Assert.Equal("120", raised.GetProperty("NEW_MAX").GetString());
        Assert.Equal("65", raised.GetProperty("CONNTRACK_COUNT").GetString());
        Assert.Equal("60", raised.GetProperty("HIGH_WATER_MARK").GetString());
        Assert.Equal("65", raised.GetProperty("PERCENT").GetString());
        Assert.StartsWith("count 65 reached the high-water mark 60", raised.GetProperty("REASON").GetString(), StringComparison.Ordinal);
        Assert.False(raised.TryGetProperty("EVENT_ID_ID", out _), "the MESSAGE_ID names the event; no EVENT_ID fields beside it");
        Assert.False(raised.TryGetProperty("EVENT_ID_NAME", out _));
        Assert.True(long.Parse(raised.GetProperty("MEMORY_CEILING").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 120);

        string all = Command.Run(journalctl, $"--namespace={journal.Name}", "-o", "json", "--no-pager").Output;
        Assert.Contains(MessageIds.ByEventId[LogEvents.Started], all, StringComparison.Ordinal);
        Assert.Contains(MessageIds.ByEventId[LogEvents.Stopping], all, StringComparison.Ordinal);
    }
}
