using ConntrackWatch.Configuration;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;
using ConntrackWatch.Metrics;
using ConntrackWatch.Service;
using ConntrackWatch.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;

namespace ConntrackWatch.Hosting;

/// <summary>Builds the host: configuration layers, options, the poll pipeline, logging.</summary>
internal static class ConntrackWatchHost
{
    public const string EnvironmentPrefix = "CONNTRACKWATCH_";

    public static HostApplicationBuilder CreateBuilder(string[] args, HostSettings settings)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ApplicationName = "conntrackwatch",
            ContentRootPath = AppContext.BaseDirectory,
        });

        var fileErrors = new ConfigurationFileErrors();
        AddConfigurationLayers(builder.Configuration, args, settings, fileErrors, watch: true);
        builder.Services.AddSingleton(_ => fileErrors); // from a factory: the container disposes it with the host
        if (settings.Time is { } time)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddConntrackWatchCore();
        settings.Services?.Invoke(builder.Services);

        // systemd's lifetime sends READY=1 once every service has started: the worker's start takes the first
        // reading and restores the learned max, so both come before it. AddSystemd() switches it on where the parent
        // is systemd (or the process is a container's PID 1); sd_notify(3) speaks wherever NOTIFY_SOCKET is set, so a
        // supervisor that sets it (a test's socket, a Type=notify service run through a wrapper) is told the same.
        builder.Services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        builder.Services.AddHostedService<StoppingNotice>();
        builder.Services.AddHostedService<ReloadSignalService>();
        builder.Services.AddHostedService(services => new WatchdogService(
            services.GetRequiredService<ServiceNotifications>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<WatchdogService>>(),
            WatchdogSettings.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId)));
        builder.Services.AddHostedService(services => new MetricsListener( // only with Metrics:Listen
            services.GetRequiredService<IOptions<MetricsOptions>>(),
            services.GetRequiredService<ScrapeText>(),
            services.GetRequiredService<ServiceNotifications>().PollsAreCompleting,
            services.GetRequiredService<ConntrackSettings>(),
            services.GetRequiredService<ILogger<MetricsListener>>()));
        builder.Services.AddHostedService<ConntrackWorker>(); // last: its start polls, and READY=1 follows

        // The host's own logger, never the static Log.Logger: otherwise every host in one process (the tests run
        // many daemons side by side) would log through whichever host set it last.
        builder.Services.AddSerilog(
            (services, logger) =>
            {
                JournaldOptions journald = services.GetRequiredService<IOptions<JournaldOptions>>().Value;
                LoggingOptions format = services.GetRequiredService<IOptions<LoggingOptions>>().Value;
                LoggingSetup.Configure(logger, journald.UseJournald(Environment.GetEnvironmentVariable) ? journald : null,
                    format.IsJson(stderrIsTerminal: !Console.IsErrorRedirected));
                settings.Logging?.Invoke(logger);
            },
            preserveStaticLogger: true);

        return builder;
    }

    /// <summary>
    /// Options, their validation and the poll pipeline; expects <see cref="IConfiguration"/> and
    /// <see cref="ConfigurationFileErrors"/> to be registered.
    /// </summary>
    public static IServiceCollection AddConntrackWatchCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddConntrackWatchOptions();
        services.AddMetrics();
        services.AddSingleton<ConntrackSettings>();
        services.AddSingleton(services => new KernelReader(services.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LearnedMaxStore>();
        services.AddSingleton<RaiseApplier>();
        services.AddSingleton<CounterWatch>();
        services.AddSingleton<MaxDrift>();
        services.AddSingleton<PollCycle>();
        services.TryAddSingleton(_ => StatusSender.FromEnvironment());
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();

        // The publishers of each poll's report, in this order: the textfile, the meter, then systemd's STATUS= line.
        services.AddSingleton<MetricsPublisher>();
        services.AddSingleton<ConntrackMeter>();
        services.AddSingleton<ServiceNotifications>();
        services.AddSingleton<IPollPublisher>(services => services.GetRequiredService<MetricsPublisher>());
        services.AddSingleton<IPollPublisher>(services => services.GetRequiredService<ConntrackMeter>());
        services.AddSingleton<IPollPublisher>(services => services.GetRequiredService<ServiceNotifications>());
        services.AddSingleton<ScrapeText>();
        services.AddSingleton<IPollPublisher>(services => services.GetRequiredService<ScrapeText>());
        services.AddSingleton<BreakdownCapture>();
        services.AddSingleton<IPollPublisher>(services => services.GetRequiredService<BreakdownCapture>());
        return services;
    }

    /// <summary>
    /// Later layers win: shipped defaults, per-host file, environment, command line. <paramref name="watch"/>
    /// re-reads the per-host file when it changes (the daemon); a one-shot reading needs no watcher.
    /// </summary>
    public static void AddConfigurationLayers(
        IConfigurationBuilder configuration, string[] args, HostSettings settings, ConfigurationFileErrors fileErrors, bool watch)
    {
        fileErrors.Attach(configuration);
        AddJsonFile(configuration, fileErrors, Path.Combine(AppContext.BaseDirectory, "appsettings.json"), watch: false);

        // Watching a file whose directory is missing would watch its nearest existing parent (all of /etc)
        // recursively; without the directory, a reload (SIGHUP) re-reads the file instead.
        watch &= Directory.Exists(Path.GetDirectoryName(settings.HostConfigPath));
        AddJsonFile(configuration, fileErrors, settings.HostConfigPath, watch);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine(args);
    }

    // Optional, read through the bounded provider: no FIFO, device or huge file can hang or flood the start. The
    // provider is rooted at the nearest directory that exists, so a file created later is found by a reload.
    private static void AddJsonFile(IConfigurationBuilder configuration, ConfigurationFileErrors fileErrors, string path, bool watch) =>
        configuration.AddJsonFile(source =>
        {
            string root = Path.GetDirectoryName(path) ?? "/";
            while (!Directory.Exists(root) && Path.GetDirectoryName(root) is { } parent)
            {
                root = parent;
            }

            source.FileProvider = fileErrors.Own(new BoundedFileProvider(root));
            source.Path = Path.GetRelativePath(root, path);
            source.Optional = true;
            source.ReloadOnChange = watch;
        });
}
