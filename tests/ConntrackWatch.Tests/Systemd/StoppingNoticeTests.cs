using Microsoft.Extensions.Hosting.Systemd;
using NSubstitute;
using ConntrackWatch.Systemd;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConntrackWatch.Tests.Systemd;

public sealed class StoppingNoticeTests
{
    [Fact]
    public async Task ShowsStoppingAsSoonAsTheHostBeginsToStop()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100));
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var notice = new StoppingNotice(lifetime, harness.Get<ServiceNotifications>());
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await notice.StartAsync(cancel);

        harness.Systemd.DidNotReceiveWithAnyArgs().Notify(default);

        lifetime.StopApplication();

        // STOPPING=1 itself is the host's systemd lifetime's (the daemon's process test sees both).
        harness.Systemd.Received(1).Notify(Arg.Is<ServiceState>(s => s.ToString() == "STATUS=stopping"));
        await notice.StopAsync(cancel);
    }
}
