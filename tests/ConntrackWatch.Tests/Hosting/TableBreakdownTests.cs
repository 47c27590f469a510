using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ConntrackWatch.Logging;
using ConntrackWatch.Tests.Support.RealKernel;
using Serilog.Events;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// Who fills the table, on the real kernel: real UDP flows from three sources in a namespace of the test's own,
/// broken down by the built binary and by the daemon, with `conntrack -L` as the oracle. Namespaces are deleted and
/// the max restored whatever the outcome.
/// </summary>
[Collection(SerialTests.Name)]
public sealed partial class TableBreakdownTests
{
    private const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";

    private static NetworkNamespace ThreeSources()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        Prerequisite.RequireExecutable("conntrack");
        var ns = new NetworkNamespace();
        ns.CreateUdpFlowsFrom("127.0.0.1", 60_000);
        ns.CreateUdpFlowsFrom("127.0.0.2", 30_000);
        ns.CreateUdpFlowsFrom("127.0.0.3", 10_000);
        return ns;
    }

    /// <summary>The admin's pipeline: conntrack -L, the original direction's field, counted.</summary>
    private static Dictionary<string, long> Oracle(NetworkNamespace ns, Func<string, string?> key)
    {
        var counts = new Dictionary<string, long>();
        foreach (string line in ns.Exec("conntrack", "-L").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (key(line) is { } k)
            {
                counts[k] = counts.GetValueOrDefault(k) + 1;
            }
        }

        return counts;
    }

    [Fact]
    public async Task StatusTopCountsEachSourceExactlyAsConntrackListsThem()
    {
        using NetworkNamespace ns = ThreeSources();

        using var status = DaemonProcess.Start(["status", "--top", "--json", "--namespace", ns.Name]);
        Assert.InRange(await status.WaitForExitAsync(TimeSpan.FromSeconds(120)), 0, 2);
        JsonElement table = Assert.Single(JsonDocument.Parse(status.Output).RootElement.GetProperty("breakdowns").EnumerateArray()).GetProperty("table");

        Assert.Equal("ctnetlink", table.GetProperty("source").GetString());
        (string Key, long Count, bool Exact)[] sources = Lines(table, "sources");
        Assert.Equal([("127.0.0.1", 60_000L, true), ("127.0.0.2", 30_000L, true), ("127.0.0.3", 10_000L, true)], sources);
        Dictionary<string, long> bySource = Oracle(ns, line => Field(line, "src"));
        Assert.Equal(bySource.OrderByDescending(p => p.Value).Take(3).Select(p => (p.Key, p.Value)), sources.Select(s => (s.Key, s.Count)));

        Dictionary<string, long> byProtocol = Oracle(ns, line => line.Split(' ', 2)[0]);
        Assert.Equal(byProtocol.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value)), Lines(table, "protocols").Select(p => (p.Key, p.Count)));

        // Destination ports 1 to 10,000 have a flow from each source: the top ten are three each, as the oracle says
        // (60,000 distinct destinations fit the breakdown's exact counting).
        Dictionary<string, long> byDestination = Oracle(ns, line => $"{Field(line, "dst")}:{Field(line, "dport")}/udp");
        (string Key, long Count, bool Exact)[] destinations = Lines(table, "destinations");
        Assert.Equal(10, destinations.Length);
        Assert.All(destinations, d => Assert.Equal((byDestination[d.Key], true), (d.Count, d.Exact)));
        Assert.Equal(byDestination.Values.OrderDescending().Take(10), destinations.Select(d => d.Count));
        Assert.Equal(100_000, table.GetProperty("unreplied").GetInt64());
    }

    [Fact]
    public async Task TheDaemonCapturesOneBreakdownWhenANamespacePassesTheMarkAndKeepsPolling()
    {
        using NetworkNamespace ns = ThreeSources();
        using var max = new SysctlRestorer(MaxPath);
        max.Set(150_000); // 100,000 entries pass the mark of 90,000

        await using var daemon = InProcessDaemon.StartWithArgs("--Conntrack:PollInterval=00:00:00.100", "--Conntrack:DryRun=true");
        LogEvent captured = await daemon.Sink.WaitForEventAsync(LogEvents.BreakdownCaptured, TimeSpan.FromSeconds(60));
        await daemon.WaitForMorePollsAsync(10);

        Assert.Equal(ns.Name, Scalar(captured, "NamespaceName"));
        Assert.Equal(ns.Name, Scalar(captured, "NetnsName"));
        Assert.Equal("127.0.0.1 60000, 127.0.0.2 30000, 127.0.0.3 10000", Scalar(captured, "TopSources"));
        Assert.Equal(1, daemon.Sink.Count(LogEvents.BreakdownCaptured)); // once per AlarmRepeatInterval (5 min)

        // While the breakdown ran on its own thread, the polls kept their interval.
        double seconds = double.Parse(Scalar(captured, "Seconds")!, CultureInfo.InvariantCulture);
        DateTimeOffset end = captured.Timestamp, start = end - TimeSpan.FromSeconds(seconds);
        DateTimeOffset[] polls = [.. daemon.Polls.Times().Where(t => t > start - TimeSpan.FromSeconds(1) && t < end + TimeSpan.FromSeconds(1))];
        double longestGap = polls.Zip(polls.Skip(1), (a, b) => (b - a).TotalSeconds).Max();
        Assert.True(seconds > 0.1, $"the breakdown took {seconds} s: too short to show anything");
        Assert.True(longestGap < 0.35, $"the breakdown took {seconds:0.###} s and the longest gap between polls meanwhile was {longestGap:0.###} s");
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task EstablishedTcpEntriesIdleFarLongerThanTrafficSuggestsAreCountedWithTheNamespacesOwnTimeout()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        using var ns = new NetworkNamespace();
        // 200 connections made under a 3,700 s timeout, then the namespace's timeout set to 400,000 s: each entry now
        // has over 99 hours left of 400,000, as if idle that long.
        ns.Exec("sh", "-c", "echo 3700 > /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established");
        using TcpConnections connections = TcpConnections.OpenInside(ns, 200);
        ns.Exec("sh", "-c", "echo 400000 > /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established");

        using var status = DaemonProcess.Start(["status", "--top", "--json", "--namespace", ns.Name]);
        Assert.InRange(await status.WaitForExitAsync(TimeSpan.FromSeconds(60)), 0, 2);
        JsonElement breakdown = Assert.Single(JsonDocument.Parse(status.Output).RootElement.GetProperty("breakdowns").EnumerateArray());

        JsonElement table = breakdown.GetProperty("table");
        Assert.Equal(400_000, table.GetProperty("establishedTimeoutSeconds").GetInt64());
        Assert.Equal(200, table.GetProperty("idleEstablished").GetInt64());
        Assert.Contains(("ESTABLISHED", 200L), table.GetProperty("tcpStates").EnumerateArray().Select(l => (l.GetProperty("key").GetString(), l.GetProperty("count").GetInt64())));
        Assert.Contains(breakdown.GetProperty("advice").EnumerateArray(), a =>
            a.GetString()!.StartsWith("200 established TCP entries (100%) have been idle for over 1 h, yet nf_conntrack_tcp_timeout_established keeps each for 400000 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutPrivilegeTheBreakdownSaysWhatItTriedAndWhy()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        string setpriv = Prerequisite.RequireExecutable("setpriv");
        using TempDirectory binary = DaemonProcessTests.BinaryForNobody();

        using var status = DaemonProcess.Start(
            ["status", "--top", "--namespace", "host"],
            new Dictionary<string, string> { ["HOME"] = "/tmp" },
            wrapper: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"],
            binary: Path.Combine(binary.Path, "conntrackwatch"));
        await status.WaitForExitAsync(TimeSpan.FromSeconds(60));

        // ctnetlink refused (no CAP_NET_ADMIN), then the table file (root's only): both named, with the fix.
        Assert.Matches(@"breakdown of host \(ns \d+\): UNKNOWN: ctnetlink, then /proc/net/nf_conntrack: .*needs CAP_NET_ADMIN.*denied", status.Output);
    }

    /// <summary>Loopback TCP connections made inside a namespace and kept open: established, assured entries.</summary>
    private sealed class TcpConnections : IDisposable
    {
        private readonly List<System.Net.Sockets.Socket> _sockets = [];

        public static TcpConnections OpenInside(NetworkNamespace ns, int count)
        {
            var connections = new TcpConnections();
            System.Net.Sockets.Socket listener = Inside(ns);
            connections._sockets.Add(listener);
            listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            listener.Listen(count);
            for (int i = 0; i < count; i++)
            {
                System.Net.Sockets.Socket client = Inside(ns);
                connections._sockets.Add(client);
                client.Connect(listener.LocalEndPoint!);
                System.Net.Sockets.Socket accepted = listener.Accept();
                connections._sockets.Add(accepted);
                client.Send([1]);
                accepted.Receive(new byte[1]);
                accepted.Send([1]);
                client.Receive(new byte[1]);
            }

            return connections;
        }

        public void Dispose() => _sockets.ForEach(s => s.Dispose());

        private static System.Net.Sockets.Socket Inside(NetworkNamespace ns) =>
            ConntrackWatch.Kernel.Namespaces.NamespaceEntry.OpenInside($"/run/netns/{ns.Name}", Open, out string? problem)
            ?? throw new InvalidOperationException(problem);

        private static System.Net.Sockets.Socket? Open(out string? problem)
        {
            problem = null;
            return new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        }
    }

    [Fact]
    public async Task UnrepliedMeansNeverAnsweredAsConntrackMarksItAndTheAdviceFollowsIt()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        Prerequisite.RequireExecutable("conntrack");
        using var ns = new NetworkNamespace();
        AnsweredQueries(ns, 300, port: 53); // a resolver answering every query
        ns.CreateUdpFlows(150, firstPort: 20_000); // nobody listens there: never answered

        using var status = DaemonProcess.Start(["status", "--top", "--json", "--namespace", ns.Name]);
        Assert.InRange(await status.WaitForExitAsync(TimeSpan.FromSeconds(60)), 0, 2);
        JsonElement breakdown = Assert.Single(JsonDocument.Parse(status.Output).RootElement.GetProperty("breakdowns").EnumerateArray());
        JsonElement table = breakdown.GetProperty("table");

        string[] listed = ns.Exec("conntrack", "-L").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(150, listed.Count(l => l.Contains("[UNREPLIED]", StringComparison.Ordinal)));
        Assert.Equal(300, listed.Count(l => l.Contains("dport=53 ", StringComparison.Ordinal) && !l.Contains("[UNREPLIED]", StringComparison.Ordinal)));
        Assert.Equal(150, table.GetProperty("unreplied").GetInt64());
        Assert.Equal(listed.Length, table.GetProperty("entries").GetInt64());
        Assert.DoesNotContain(Lines(table, "unrepliedUdpPorts"), p => p.Key == "53");
        Assert.DoesNotContain(breakdown.GetProperty("advice").EnumerateArray(), a => a.GetString()!.Contains("udp dport 53", StringComparison.Ordinal));
    }

    // count queries from as many sockets inside the namespace to a server there on port, each answered.
    private static void AnsweredQueries(NetworkNamespace ns, int count, int port)
    {
        System.Net.Sockets.Socket[] sockets = ConntrackWatch.Kernel.Namespaces.NamespaceEntry.OpenInside(
            $"/run/netns/{ns.Name}", Open, out string? problem) ?? throw new InvalidOperationException(problem);
        try
        {
            System.Net.Sockets.Socket server = sockets[0];
            server.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
            server.ReceiveTimeout = 5000;
            byte[] buffer = new byte[16];
            foreach (System.Net.Sockets.Socket client in sockets[1..])
            {
                client.SendTo("q"u8.ToArray(), server.LocalEndPoint!);
                System.Net.EndPoint from = new System.Net.IPEndPoint(System.Net.IPAddress.Any, 0);
                server.ReceiveFrom(buffer, ref from);
                server.SendTo("a"u8.ToArray(), from);
                client.ReceiveTimeout = 5000;
                client.Receive(buffer);
            }
        }
        finally
        {
            foreach (System.Net.Sockets.Socket socket in sockets)
            {
                socket.Dispose();
            }
        }

        System.Net.Sockets.Socket[]? Open(out string? why)
        {
            why = null;
            return [.. Enumerable.Range(0, count + 1).Select(_ => new System.Net.Sockets.Socket(
                System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp))];
        }
    }

    private static string? Field(string line, string name) =>
        FieldPattern().Match(line) is { Success: true } ? Regex.Match(line, $@"\b{name}=(\S+)").Groups[1].Value : null;

    private static string? Scalar(LogEvent e, string property) =>
        e.Properties.TryGetValue(property, out LogEventPropertyValue? value) && value is ScalarValue { Value: { } v }
            ? Convert.ToString(v, CultureInfo.InvariantCulture)
            : null;

    private static (string Key, long Count, bool Exact)[] Lines(JsonElement table, string list) =>
        [.. table.GetProperty(list).EnumerateArray().Select(l => (l.GetProperty("key").GetString()!, l.GetProperty("count").GetInt64(), l.GetProperty("exact").GetBoolean()))];

    [GeneratedRegex(@"\bsrc=")]
    private static partial Regex FieldPattern();
}
