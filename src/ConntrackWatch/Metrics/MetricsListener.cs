using System.Globalization;
using System.Net;
using ConntrackWatch.Configuration;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Metrics;

/// <summary>
/// Metrics:Listen: an HTTP listener (System.Net.HttpListener) with two pages, <c>GET /metrics</c> (exactly the
/// textfile's content, Prometheus's text format) and <c>GET /healthz</c> (200 while polls keep completing, 503 when
/// they stop: the liveness the watchdog pings on, handed in as <paramref name="pollsAreCompleting"/>). Anything else
/// is 404, any other method 405. Off by default; a listener that cannot bind is logged and the daemon goes on
/// without it.
/// </summary>
/// <param name="pollsAreCompleting">Whether the last poll completed within a poll interval plus the slack given.</param>
internal sealed partial class MetricsListener(
    IOptions<MetricsOptions> options,
    ScrapeText text,
    Func<TimeSpan, bool> pollsAreCompleting,
    ConntrackSettings settings,
    ILogger<MetricsListener> logger) : BackgroundService
{
    private const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ListenOn is not { } listen)
        {
            return;
        }

        using var listener = new HttpListener { IgnoreWriteExceptions = true };
        listener.Prefixes.Add(MetricsOptions.PrefixOf(listen));
        try
        {
            listener.Start();
        }
        catch (Exception e) when (e is HttpListenerException or System.Net.Sockets.SocketException)
        {
            LogCannotListen(listen, e.Message);
            return;
        }

        LogListening(listen);
        using CancellationTokenRegistration stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break; // stopped
            }

            Answer(context);
        }
    }

    private void Answer(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        try
        {
            string path = context.Request.Url?.AbsolutePath ?? string.Empty;
            (int status, string type, byte[] body) = (context.Request.HttpMethod, path) switch
            {
                ("GET" or "HEAD", "/metrics") => (200, ContentType, text.Copy()),
                ("GET" or "HEAD", "/healthz") => pollsAreCompleting(settings.Current.PollInterval)
                    ? (200, "text/plain; charset=utf-8", "ok\n"u8.ToArray())
                    : (503, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                        $"polls have stopped completing (none within {settings.Current.PollInterval.TotalSeconds * 2:0.###} s)\n"))),
                (_, "/metrics" or "/healthz") => (405, "text/plain; charset=utf-8", "only GET\n"u8.ToArray()),
                _ => (404, "text/plain; charset=utf-8", "/metrics or /healthz\n"u8.ToArray()),
            };
            response.StatusCode = status;
            response.ContentType = type;
            response.ContentLength64 = body.Length;
            if (context.Request.HttpMethod != "HEAD")
            {
                response.OutputStream.Write(body);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The scraper went away mid-answer: nothing to tell it.
        }
        finally
        {
            response.Close();
        }
    }

    [LoggerMessage(EventId = LogEvents.MetricsListening, Level = LogLevel.Information,
        Message = "Serving /metrics and /healthz on http://{MetricsListen}/")]
    private partial void LogListening(string metricsListen);

    [LoggerMessage(EventId = LogEvents.MetricsCannotListen, Level = LogLevel.Error,
        Message = "Cannot listen on {MetricsListen} for /metrics and /healthz: {Problem}. Polling goes on without them; free the port or change Metrics:Listen")]
    private partial void LogCannotListen(string metricsListen, string problem);
}
