using Microsoft.Extensions.Hosting;

namespace ConntrackWatch.Systemd;

/// <summary>STOPPING=1 as soon as the host begins to stop, before any service (the poll loop) winds down.</summary>
internal sealed class StoppingNotice(IHostApplicationLifetime lifetime, ServiceNotifications notifications) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(notifications.Stopping);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _registration.DisposeAsync().AsTask();
}
