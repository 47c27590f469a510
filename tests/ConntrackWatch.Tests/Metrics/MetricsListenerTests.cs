using System.Net;
using System.Net.Sockets;
using ConntrackWatch.Configuration;
using ConntrackWatch.Logging;
using ConntrackWatch.Metrics;
using ConntrackWatch.Systemd;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Tests.Metrics;

/// <summary>Metrics:Listen over a real loopback socket: what Prometheus and a liveness probe get.</summary>
public sealed class MetricsListenerTests
{
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<(HttpStatusCode Status, string Body, string? Type)> GetAsync(HttpClient client, string path, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        using HttpResponseMessage response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task ServesTheTextfilesContentAndAHealthThatFollowsThePolls()
    {
        int port = FreePort();
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1234, max: 262144), ("Metrics:Listen", $"127.0.0.1:{port}"));
        var logger = new FakeLogger<MetricsListener>();
        using var listener = new MetricsListener(harness.Get<IOptions<MetricsOptions>>(), harness.Get<ScrapeText>(), harness.Get<ServiceNotifications>().PollsAreCompleting, harness.Settings, logger);
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await listener.StartAsync(cancel);
        await Eventually.TrueAsync(() => logger.Collector.GetSnapshot().Any(r => r.Id.Id == LogEvents.MetricsListening), "the listener started");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(client, "/healthz")).Status); // no poll yet

        ConntrackWatch.Service.PollReport report = harness.PollAndPublish();
        (HttpStatusCode status, string body, string? type) = await GetAsync(client, "/metrics");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(PrometheusText.Render(report), body);
        Assert.Contains("conntrackwatch_entries 1234\n", body, StringComparison.Ordinal);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", type);
        Assert.Equal((HttpStatusCode.OK, "ok\n"), ((await GetAsync(client, "/healthz")).Status, (await GetAsync(client, "/healthz")).Body));

        harness.Time.Advance(harness.Settings.Current.PollInterval * 3); // polls stop coming
        (HttpStatusCode stale, string why, _) = await GetAsync(client, "/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stale);
        Assert.StartsWith("polls have stopped completing", why, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, "/")).Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await GetAsync(client, "/metrics", HttpMethod.Post)).Status);
        await listener.StopAsync(cancel);
    }

    [Fact]
    public async Task APortThatCannotBeHadIsOneErrorAndNothingElseStops()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100), ("Metrics:Listen", $"127.0.0.1:{port}"));
        var logger = new FakeLogger<MetricsListener>();
        using var listener = new MetricsListener(harness.Get<IOptions<MetricsOptions>>(), harness.Get<ScrapeText>(), harness.Get<ServiceNotifications>().PollsAreCompleting, harness.Settings, logger);

        await listener.StartAsync(TestContext.Current.CancellationToken);
        await listener.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        FakeLogRecord refused = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == LogEvents.MetricsCannotListen);
        Assert.Equal($"127.0.0.1:{port}", refused.Property("MetricsListen"));
        Assert.Equal(1, harness.PollAndPublish().Reading.Count.Value); // polling goes on
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void NoListenValueOrAnEmptyOneIsNoListener(string? value)
    {
        var options = new MetricsOptions { Listen = value };

        Assert.True(new MetricsOptionsValidator().Validate(null, options).Succeeded);
        Assert.Null(options.ListenOn);
    }

    [Theory]
    [InlineData("9101")]
    [InlineData("localhost:9101")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    public void AListenValueThatIsNotAnAddressAndPortIsRefusedNamingTheKey(string value)
    {
        var options = new MetricsOptions { Listen = value };

        string failure = Assert.Single(new MetricsOptionsValidator().Validate(null, options).Failures!);

        Assert.Equal($"Metrics:Listen must be an address and a port such as 127.0.0.1:9101, 0.0.0.0:9101 or [::]:9101 (found '{value}').", failure);
    }
}
