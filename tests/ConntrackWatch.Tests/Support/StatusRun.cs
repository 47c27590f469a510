using ConntrackWatch.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ConntrackWatch.Tests.Support;

/// <summary>
/// Runs <c>conntrackwatch status</c> in this process on fake time: between its readings (with --trend) it applies
/// the next change to the tree and advances the clock, so growth and drops are tested without real delays.
/// </summary>
internal static class StatusRun
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, params Action[] betweenReadings)
    {
        using var clock = new SteppedClock();
        using var config = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var settings = new HostSettings(config.Combine("appsettings.json"), Time: clock);
        CancellationToken cancel = TestContext.Current.CancellationToken;
        Task<int> run = Task.Run(
            () => ConntrackWatchApp.RunAsync(["status", .. args, "--Journald:Enabled=false"], settings, output, error, cancel), cancel);

        foreach (Action change in betweenReadings)
        {
            Task waiting = clock.NextTimerAsync(cancel);
            if (await Task.WhenAny(waiting, run).WaitAsync(TimeSpan.FromSeconds(30), cancel) == run)
            {
                break; // it finished early (an unreadable tree): no more readings to feed
            }

            change();
            clock.Advance(ConntrackWatch.Status.StatusProbe.TrendSpacing);
        }

        int exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Fake time that says when a timer (a delay between readings) has been created.</summary>
    private sealed class SteppedClock : FakeTimeProvider, IDisposable
    {
        private readonly SemaphoreSlim _created = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = base.CreateTimer(callback, state, dueTime, period);
            _created.Release();
            return timer;
        }

        public Task NextTimerAsync(CancellationToken cancel) => _created.WaitAsync(cancel);

        public void Dispose() => _created.Dispose();
    }
}
