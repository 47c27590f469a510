using System.Reflection;
using ConntrackWatch.Configuration;
using ConntrackWatch.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Hosting;

/// <summary>The command line: no verb runs the daemon, <c>status</c> reads once.</summary>
internal static class ConntrackWatchApp
{
    public const string Usage = """
        Usage: conntrackwatch [--Section:Key=value ...]          run the daemon
               conntrackwatch status [--json] [--trend] [--top [--namespace NAME]] [--Section:Key=value ...] | --help
                                                              read once; exit 0 ok, 1 warning, 2 critical, 3 unknown;
                                                              --trend reads three times, a second apart;
                                                              --top: who fills each table (top sources, destinations,
                                                              protocols, TCP states) and advice; --namespace NAME:
                                                              only that namespace
               conntrackwatch --version | --help
        Configuration: appsettings.json next to the binary, /etc/conntrackwatch/appsettings.json,
        CONNTRACKWATCH_Section__Key environment variables, then the command line (later wins).
        """;

    /// <summary>The version, from deploy/debian/changelog through the build.</summary>
    public static string Version { get; } =
        typeof(ConntrackWatchApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static async Task<int> RunAsync(
        string[] args, HostSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        bool status = args.Length > 0 && args[0] == "status";
        bool version = args.Length > 0 && args[0] == "--version";
        if (args.Length > 0 && !status && !args[0].StartsWith('-'))
        {
            await stderr.WriteLineAsync($"conntrackwatch: unknown command '{args[0]}'.\n{Usage}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // Only --Section:Key=value overrides and the verb's own flags: the configuration provider would take an
        // unknown "--flag" as a key and swallow the next argument as its value, silently.
        StatusArguments? statusArguments = null;
        string? problem = status
            ? (statusArguments = StatusArguments.Parse(args.AsSpan(1), IsOverride, out string? statusProblem)) is null ? statusProblem : null
            : (version ? args[1..] : args).FirstOrDefault(arg => !IsOverride(arg)) is { } unknown
                ? $"unknown argument '{unknown}'; settings are given as --Section:Key=value, e.g. --Conntrack:DryRun=true"
                : null;
        if (problem is not null)
        {
            await stderr.WriteLineAsync($"conntrackwatch: {problem}.\n{Usage}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (statusArguments is { Help: true })
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (version)
        {
            await stdout.WriteLineAsync($"conntrackwatch {Version}").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        try
        {
            return status
                ? await RunStatusAsync(statusArguments!, settings, stdout, stderr).ConfigureAwait(false)
                : await RunDaemonAsync(args, settings, stderr, cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            await ReportInvalidConfigurationAsync(stderr, e.Failures, settings).ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            await ReportInvalidConfigurationAsync(
                stderr, e.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures), settings).ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
    }

    /// <summary>--Section:Key=value, with a section, a key and an equals sign.</summary>
    private static bool IsOverride(string arg)
    {
        int equals = arg.IndexOf('=', StringComparison.Ordinal);
        int colon = arg.IndexOf(':', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && colon > 2 && equals > colon + 1;
    }

    private static async Task<int> RunDaemonAsync(string[] args, HostSettings settings, TextWriter stderr, CancellationToken cancellationToken)
    {
        using IHost host = ConntrackWatchHost.CreateBuilder(args, settings).Build();
        ThrowOnFileErrors(host.Services.GetRequiredService<ConfigurationFileErrors>());
        ConntrackOptions options = OptionsRegistration.ValidateAll(host.Services);

        string lockPath = InstanceLock.PathFor(
            settings.RuntimeDirectory ?? InstanceLock.DirectoryFrom(Environment.GetEnvironmentVariable), options.ProcRoot);
        using InstanceLock? instance = InstanceLock.TryTake(lockPath, out bool held, out string? problem);
        if (problem is not null)
        {
            await TryWriteAsync(stderr, $"conntrackwatch: {problem}").ConfigureAwait(false);
            if (held)
            {
                return ExitCodes.AlreadyRunning;
            }
        }

        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> RunStatusAsync(StatusArguments args, HostSettings settings, TextWriter stdout, TextWriter stderr)
    {
        bool json = args.Json;
        string[] overrides = args.Overrides;
        // The same layers, binding and validation as the daemon, without a host or a container: a one-shot reading
        // starts fast.
        var configuration = new ConfigurationManager();
        using var fileErrors = new ConfigurationFileErrors();
        ConntrackWatchHost.AddConfigurationLayers(configuration, overrides, settings, fileErrors, watch: false);
        ThrowOnFileErrors(fileErrors);
        ConntrackOptions options = OptionsRegistration.BindAll(configuration);

        using var probe = new StatusProbe(options, settings.Time ?? TimeProvider.System);
        StatusReport report = await probe.ProbeAsync(args.Trend, CancellationToken.None, args.Top, args.Namespace).ConfigureAwait(false);
        try
        {
            await stdout.WriteAsync(json ? StatusFormatter.Json(report) + "\n" : StatusFormatter.Text(report)).ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Standard output closed or full: a monitoring system must see UNKNOWN, not a crash.
            await TryWriteAsync(stderr, $"conntrackwatch: cannot print the status to standard output: {e.InnerException?.Message ?? e.Message}").ConfigureAwait(false);
            return (int)StatusState.Unknown;
        }

        return report.ExitCode;
    }

    private static async Task TryWriteAsync(TextWriter writer, string line)
    {
        try
        {
            await writer.WriteLineAsync(line).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Standard error is gone too: the exit code is all that is left to say it.
        }
    }

    private static void ThrowOnFileErrors(ConfigurationFileErrors fileErrors)
    {
        if (fileErrors.Take() is { } error)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ConntrackOptions), [error]);
        }
    }

    private static async Task ReportInvalidConfigurationAsync(TextWriter stderr, IEnumerable<string> failures, HostSettings settings)
    {
        foreach (string failure in failures)
        {
            await stderr.WriteLineAsync($"conntrackwatch: invalid configuration: {failure}").ConfigureAwait(false);
        }

        await stderr.WriteLineAsync(
            $"conntrackwatch: fix the value in {settings.HostConfigPath}, the {ConntrackWatchHost.EnvironmentPrefix}* environment " +
            $"or the command line, then start again (exit code {ExitCodes.InvalidConfiguration}).").ConfigureAwait(false);
    }
}
