using System.Runtime.InteropServices;
using ConntrackWatch.Configuration;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Systemd;

/// <summary>
/// `systemctl reload` sends SIGHUP (ExecReload=): re-read every configuration layer, tell systemd RELOADING=1
/// then READY=1. The options holder validates the result and keeps the old values if it is invalid.
/// </summary>
internal sealed partial class ReloadSignalService(
    IConfiguration configuration,
    ConntrackSettings settings,
    ServiceNotifications notifications,
    ILogger<ReloadSignalService> logger) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Without a handler SIGHUP would terminate the process.
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Reload();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Reload()
    {
        notifications.Reloading();
        LogReloadRequested();
        // The options holder takes the reloaded layers up once, and logs whether the new values were taken or rejected.
        settings.Reload(() => (configuration as IConfigurationRoot)?.Reload());
        notifications.Reloaded();
    }

    public void Dispose() => _registration?.Dispose();

    [LoggerMessage(EventId = LogEvents.ReloadRequested, Level = LogLevel.Information,
        Message = "Reload requested (SIGHUP): re-reading the configuration")]
    private partial void LogReloadRequested();
}
