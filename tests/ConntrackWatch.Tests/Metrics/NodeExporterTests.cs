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
        string nodeExporter = Prerequisite.RequireExecutable("prometheus-node-exporter");
        using var directory = new TempDirectory();
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100).WithStat(drop: 5), ("Metrics:TextfilePath", directory.Path));
        harness.PollAndPublish();
        int port = FreePort();

        using Process exporter = Process.Start(new ProcessStartInfo(nodeExporter)
        {
            ArgumentList =
            {
                "--collector.disable-defaults", "--collector.textfile",
                $"--collector.textfile.directory={directory.Path}", $"--web.listen-address=127.0.0.1:{port}",
            },
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
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

            Assert.Contains("node_textfile_scrape_error 0", metrics, StringComparison.Ordinal);
            Assert.Contains("conntrackwatch_entries 65", metrics, StringComparison.Ordinal);
            Assert.Contains("conntrackwatch_max_entries 120", metrics, StringComparison.Ordinal);
            Assert.Contains("conntrackwatch_kernel_drop_total 5", metrics, StringComparison.Ordinal);
            Assert.Contains("# TYPE conntrackwatch_raises_total counter", metrics, StringComparison.Ordinal);
        }
        finally
        {
            exporter.Kill();
            await exporter.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
