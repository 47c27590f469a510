using BenchmarkDotNet.Attributes;
using ConntrackWatch.Configuration;
using ConntrackWatch.Hosting;
using ConntrackWatch.Metrics;
using ConntrackWatch.Service;
using ConntrackWatch.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Benchmarks;

/// <summary>
/// The daemon's complete poll, as its loop runs it: read this machine's kernel, decide, write the metrics textfile,
/// update the meter and send the STATUS= line (to a socket of the benchmark's). Needs the nf_conntrack module.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class CompletePollBenchmarks
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conntrackwatch-bench-poll-").FullName;
    // The STATUS= datagrams, read so that the socket's queue never fills; a kept buffer allocates nothing.
    private readonly byte[] _received = new byte[4096];
    private System.Net.Sockets.Socket _notify = null!;
    private ServiceProvider _services = null!;
    private ConntrackWorker _worker = null!;

    [GlobalSetup]
    public void Setup()
    {
        string socket = Path.Combine(_directory, "notify");
        _notify = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
        _notify.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Conntrack:DryRun"] = "true",
            ["Metrics:TextfilePath"] = _directory,
        }).Build();
        _services = new ServiceCollection()
            .AddSingleton(configuration)
            .AddSingleton(new ConfigurationFileErrors())
            .AddSingleton(new StatusSender(socket))
            .AddLogging(logging => logging.ClearProviders())
            .AddConntrackWatchCore()
            .BuildServiceProvider();
        _worker = new ConntrackWorker(
            _services.GetRequiredService<PollCycle>(), _services.GetRequiredService<ConntrackSettings>(),
            _services.GetServices<IPollPublisher>(), _services.GetRequiredService<IOptions<MetricsOptions>>(),
            TimeProvider.System, NullLogger<ConntrackWorker>.Instance);
        if (_worker.PollAndReport().Outcome != PollOutcome.Completed)
        {
            throw new InvalidOperationException("The first poll did not complete: load nf_conntrack, run as root.");
        }
    }

    [Benchmark]
    public bool CompletePoll()
    {
        bool completed = _worker.PollAndReport().Outcome == PollOutcome.Completed;
        Drain();
        return completed;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _worker.Dispose();
        _services.Dispose();
        _notify.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Drain()
    {
        while (_notify.Available > 0)
        {
            _notify.Receive(_received);
        }
    }
}
