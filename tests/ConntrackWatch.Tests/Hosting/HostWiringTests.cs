using ConntrackWatch.Configuration;
using ConntrackWatch.Hosting;
using ConntrackWatch.Service;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Tests.Hosting;

public sealed class HostWiringTests
{
    [Fact]
    public void BuildsTheRealHostWithTheWorkerAndValidatedOptionsFromEveryLayer()
    {
        using var config = new TempDirectory();
        string hostFile = config.Combine("appsettings.json");
        File.WriteAllText(hostFile, """{ "Conntrack": { "HighWaterPercent": 70, "MemoryCeilingPercent": 50 } }""");
        var settings = new HostSettings(hostFile);

        using IHost host = ConntrackWatchHost.CreateBuilder(["--Conntrack:HighWaterPercent=80"], settings).Build();

        Assert.Single(host.Services.GetServices<IHostedService>().OfType<ConntrackWorker>());
        ConntrackOptions options = host.Services.GetRequiredService<IOptions<ConntrackOptions>>().Value;
        Assert.Equal(80, options.HighWaterPercent);       // command line beats the per-host file
        Assert.Equal(50, options.MemoryCeilingPercent);   // per-host file beats the shipped defaults
        Assert.Equal(TimeSpan.FromSeconds(5), options.PollInterval); // shipped default
        Assert.Same(options, host.Services.GetRequiredService<ConntrackSettings>().Current);
    }
}
