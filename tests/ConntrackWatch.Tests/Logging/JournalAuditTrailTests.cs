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
        string journalctl = RequireJournald();
        using var journal = new JournaldNamespace();
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        await RaiseIntoAsync(journal, tree);

        JsonElement raised = await FirstEntryAsync(journalctl, journal, LogEvents.Raised);
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

    [Fact]
    public async Task ARaiseForAnotherNamespaceCarriesItsNameAndInodeAsFields()
    {
        string journalctl = RequireJournald();
        using var journal = new JournaldNamespace();
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100)
            .WithProcessNamespace(4242, entries: 70, cgroup: "0::/lxc.payload.web01/init.scope\n");
        await RaiseIntoAsync(journal, tree);

        JsonElement raised = await FirstEntryAsync(journalctl, journal, LogEvents.Raised);
        Assert.Equal("lxc web01", raised.GetProperty("NETNS_NAME").GetString());
        Assert.Equal(tree.NamespaceInodeOf(4242).ToString(System.Globalization.CultureInfo.InvariantCulture), raised.GetProperty("NETNS_INODE").GetString());
        Assert.StartsWith($"lxc web01 (ns {tree.NamespaceInodeOf(4242)}): count 70 reached", raised.GetProperty("REASON").GetString(), StringComparison.Ordinal);
        string filtered = Command.Run(journalctl, $"--namespace={journal.Name}", "NETNS_NAME=lxc web01", "-o", "cat", "--no-pager").Output;
        Assert.Contains("Raised nf_conntrack_max from 100 to 120", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARaiseForANamespaceNamedWithEscapesShowsAsTextInPlainJournalctl()
    {
        string journalctl = RequireJournald();
        using var journal = new JournaldNamespace();
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100)
            .WithProcessNamespace(4242, entries: 70, comm: "\u001b]0;pwn\u0007\u001b[2J\u202e\n");
        await RaiseIntoAsync(journal, tree);

        // A field with a control byte is binary to journald: journalctl would print "[N blob data]", or the raw escapes with -a.
        const string Escaped = @"pid 4242 (\x1b]0;pwn\x07\x1b[2J\u202e)";
        JsonElement raised = await FirstEntryAsync(journalctl, journal, LogEvents.Raised);
        foreach (string field in new[] { "MESSAGE", "REASON", "NETNS_NAME" })
        {
            Assert.Equal(JsonValueKind.String, raised.GetProperty(field).ValueKind);
            Assert.Contains(Escaped, raised.GetProperty(field).GetString(), StringComparison.Ordinal);
        }

        string plain = Command.Run(journalctl, $"--namespace={journal.Name}", $"MESSAGE_ID={MessageIds.ByEventId[LogEvents.Raised]}", "--no-pager").Output;
        Assert.Contains($"Raised nf_conntrack_max from 100 to 120: {Escaped}", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("blob data", plain, StringComparison.Ordinal);
        Assert.DoesNotContain(plain, c => char.IsControl(c) && c != '\n');
    }

    private static string RequireJournald()
    {
        Prerequisite.RequireRoot();
        Prerequisite.Require(JournaldNamespace.DaemonPath is not null, "needs systemd-journald (package systemd)");
        return Prerequisite.RequireExecutable("journalctl");
    }

    // A daemon over the tree, logging natively into the journal namespace until it has raised once; then stopped.
    private static async Task RaiseIntoAsync(JournaldNamespace journal, FakeProcTree tree)
    {
        await journal.StartAsync();
        await using var daemon = InProcessDaemon.Start(tree, null, "--Journald:Enabled=true", $"--Journald:SocketPath={journal.SocketPath}");
        await daemon.Sink.WaitForEventAsync(LogEvents.Raised);
        Assert.Equal(0, await daemon.StopAsync());
    }

    /// <summary>The first entry of the event's MESSAGE_ID in <paramref name="journal"/>, as journalctl -o json shows it.</summary>
    private static async Task<JsonElement> FirstEntryAsync(string journalctl, JournaldNamespace journal, int eventId)
    {
        string output = string.Empty;
        await Eventually.TrueAsync(() =>
        {
            output = Command.Run(journalctl, $"--namespace={journal.Name}", $"MESSAGE_ID={MessageIds.ByEventId[eventId]}", "-o", "json", "--no-pager").Output;
            return output.Length > 0;
        }, $"journalctl lists an entry of event {eventId}");
        return JsonDocument.Parse(output.Split('\n')[0]).RootElement.Clone();
    }
}
