using ConntrackWatch.Systemd;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConntrackWatch.Tests.Systemd;

public sealed class StoppingNoticeTests
{
    [Fact]
    public async Task TellsSystemdItIsStoppingAsSoonAsTheHostBeginsToStop()
    {
        using var notify = new NotifySocket();
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100), notify.EnvironmentValue);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var notice = new StoppingNotice(lifetime, harness.Get<ServiceNotifications>());
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await notice.StartAsync(cancel);

        lifetime.StopApplication();

        Assert.Equal("STOPPING=1\nSTATUS=stopping", notify.Receive());
        await notice.StopAsync(cancel);
    }
}
