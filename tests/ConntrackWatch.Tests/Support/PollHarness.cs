using ConntrackWatch.Configuration;
using ConntrackWatch.Hosting;
using ConntrackWatch.Metrics;
using ConntrackWatch.Service;
using ConntrackWatch.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace ConntrackWatch.Tests.Support;

/// <summary>
/// The daemon's real services over a fake /proc tree, with fake time, in-memory configuration that can be
/// changed and reloaded, and a log collector.
/// </summary>
public sealed class PollHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public PollHarness(FakeProcTree tree, params (string Key, string Value)[] settings)
        : this(tree, notifySocket: null, settings)
    {
    }

    /// <param name="notifySocket">Where sd_notify messages go, as NOTIFY_SOCKET would say; null: nowhere.</param>
    public PollHarness(FakeProcTree tree, string? notifySocket, params (string Key, string Value)[] settings)
    {
        Tree = tree;
        var values = new Dictionary<string, string?> { ["Conntrack:ProcRoot"] = tree.Root };
        foreach ((string key, string value) in settings)
        {
            values[key] = value;
        }

        Configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration)
            .AddSingleton(new ConfigurationFileErrors())
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(new StatusSender(notifySocket))
            .AddSingleton(Systemd)
            .AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Debug))
            .AddConntrackWatchCore()
            .AddSingleton<IPollPublisher>(Published)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Logs = _services.GetFakeLogCollector();
        _ = Settings; // validated now, as the host's start does; later changes are reloads
    }

    public FakeProcTree Tree { get; }

    public FakeTimeProvider Time { get; } = new();

    /// <summary>What the host's systemd notifier is told (reload, stop): a substitute that is enabled.</summary>
    public ISystemdNotifier Systemd { get; } = CreateSystemd();

    /// <summary>Every report the daemon's loop (or <see cref="PollAndPublish"/>) published, in order.</summary>
    internal ReportRecorder Published { get; } = new();

    public IConfigurationRoot Configuration { get; }

    public FakeLogCollector Logs { get; }

    internal PollCycle Cycle => _services.GetRequiredService<PollCycle>();

    internal ConntrackSettings Settings => _services.GetRequiredService<ConntrackSettings>();

    internal T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    internal PollReport Poll() => Cycle.PollOnce();

    /// <summary>One poll whose report goes to every publisher, as the daemon's loop does.</summary>
    internal PollReport PollAndPublish() => CreateWorker(new Microsoft.Extensions.Logging.Abstractions.NullLogger<ConntrackWorker>()).PollAndReport();

    /// <summary>The daemon's loop over this harness's services, logging to <paramref name="logger"/>.</summary>
    internal ConntrackWorker CreateWorker(ILogger<ConntrackWorker> logger) => new(
        Cycle, Settings, _services.GetServices<IPollPublisher>(), Get<IOptions<MetricsOptions>>(), Time, logger);

    /// <summary>Changes one key and fires the configuration reload, as an edit of the per-host file does.</summary>
    public void Reconfigure(string key, string value)
    {
        Configuration[key] = value;
        Configuration.Reload();
    }

    public IReadOnlyList<FakeLogRecord> Logged(int eventId) =>
        Logs.GetSnapshot().Where(r => r.Id.Id == eventId).ToList();

    public void Dispose()
    {
        _services.Dispose();
        Tree.Dispose();
    }

    private static ISystemdNotifier CreateSystemd()
    {
        ISystemdNotifier systemd = Substitute.For<ISystemdNotifier>();
        systemd.IsEnabled.Returns(true);
        return systemd;
    }
}
