using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ConntrackWatch.Metrics;

namespace ConntrackWatch.Tests.Metrics;

/// <summary>The textfile as Prometheus's node_exporter reads it: the real collector is the format's judge.</summary>
[Collection(SerialTests.Name)]
public sealed class NodeExporterTests
{
    [Fact]
    public async Task NodeExporterServesTheTextfileWithoutScrapeErrors()
    {
        using var directory = new TempDirectory();
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100).WithStat(drop: 5, clashResolve: 7), ("Metrics:TextfilePath", directory.Path));
        harness.PollAndPublish();

        (string metrics, _) = await ScrapeAsync(directory.Path);

        Assert.Contains("node_textfile_scrape_error 0", metrics, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_entries 65", metrics, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_max_entries 120", metrics, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_kernel_drop_total 5", metrics, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_kernel_clash_resolve_total 7", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE conntrackwatch_raises_total counter", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeExporterServesTwoNamespacesOfOneNameAndInodeWithoutACollision()
    {
        // Two namespaces whose processes share a cgroup, and whose inode reads alike: every label would be the same.
        const string Cgroup = "0::/system.slice/web.service\n";
        using var directory = new TempDirectory();
        FakeProcTree tree = FakeProcTree.Modern(count: 5, max: 100)
            .WithProcessNamespace(100, entries: 7, cgroup: Cgroup)
            .WithProcessNamespace(200, entries: 3, cgroup: Cgroup);
        File.Delete(tree.PathOf("200/ns/net"));
        Command.RunChecked("ln", tree.PathOf("100/ns/net"), tree.PathOf("200/ns/net"));
        using var harness = new PollHarness(tree, ("Metrics:TextfilePath", directory.Path));
        harness.PollAndPublish();

        (string metrics, string log) = await ScrapeAsync(directory.Path);

        Assert.Contains("node_textfile_scrape_error 0", metrics, StringComparison.Ordinal);
        string[] web = [.. metrics.Split('\n').Where(l => l.StartsWith("conntrackwatch_namespace_entries{", StringComparison.Ordinal) && l.Contains("web.service", StringComparison.Ordinal))];
        Assert.Equal(2, web.Length);
        Assert.Contains(web, l => l.EndsWith(" 7", StringComparison.Ordinal));
        Assert.Contains(web, l => l.EndsWith(" 3", StringComparison.Ordinal));
        Assert.DoesNotContain("collected before", log, StringComparison.Ordinal);
    }

    // node_exporter with only the textfile collector, scraped once: the page, and what it logged meanwhile.
    internal static async Task<(string Metrics, string Log)> ScrapeAsync(string textfileDirectory)
    {
        string nodeExporter = Prerequisite.RequireExecutable("prometheus-node-exporter");
        int port = FreePort();
        using Process exporter = Process.Start(new ProcessStartInfo(nodeExporter)
        {
            ArgumentList =
            {
                "--collector.disable-defaults", "--collector.textfile",
                $"--collector.textfile.directory={textfileDirectory}", $"--web.listen-address=127.0.0.1:{port}",
            },
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        Task<string> log = exporter.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string metrics = string.Empty;
            await Eventually.TrueAsync(() =>
            {
                try
                {
                    metrics = http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).GetAwaiter().GetResult();
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "node_exporter answers on /metrics");
            exporter.Kill();
            await exporter.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (metrics, await log);
        }
        finally
        {
            if (!exporter.HasExited)
            {
                exporter.Kill();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
