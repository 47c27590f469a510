using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace ConntrackWatch.Hosting;

/// <summary>What differs between the installed daemon and a test run of it.</summary>
/// <param name="HostConfigPath">The per-host overrides file, reloaded on change.</param>
/// <param name="Logging">Extra Serilog configuration, e.g. a sink that collects events in a test.</param>
/// <param name="Time">The clock of the daemon and of <c>status</c>; null: the system's.</param>
/// <param name="Services">Extra services for the daemon's host, e.g. a test's own poll publisher.</param>
/// <param name="RuntimeDirectory">Where the daemon's lock file goes; null: $RUNTIME_DIRECTORY, else /run/conntrackwatch.</param>
internal sealed record HostSettings(
    string HostConfigPath,
    Action<LoggerConfiguration>? Logging = null,
    TimeProvider? Time = null,
    Action<IServiceCollection>? Services = null,
    string? RuntimeDirectory = null)
{
    public const string DefaultHostConfigPath = "/etc/conntrackwatch/appsettings.json";

    public static HostSettings Default { get; } = new(DefaultHostConfigPath);
}
