using ConntrackWatch.Hosting;
using ConntrackWatch.Service;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace ConntrackWatch.Tests.Support;

/// <summary>
/// The real host, as <c>Program</c> runs it, in this process: real configuration layers (with a per-host file of
/// the test's own), real logging into a collecting sink, real time.
/// </summary>
public sealed class InProcessDaemon : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;
    private readonly TempDirectory _configDirectory = new();

    private InProcessDaemon(string[] args, string? hostConfig, Action<string>? prepareHostConfig = null, string? runtimeDirectory = null)
    {
        HostConfigPath = _configDirectory.Combine("appsettings.json");
        if (hostConfig is not null)
        {
            File.WriteAllText(HostConfigPath, hostConfig);
        }

        prepareHostConfig?.Invoke(HostConfigPath);

        // The console unless a test asks for journald: the test runner may itself run under systemd.
        if (!args.Any(arg => arg.StartsWith("--Journald:Enabled", StringComparison.Ordinal)))
        {
            args = [.. args, "--Journald:Enabled=false"];
        }

        if (!args.Any(arg => arg.StartsWith("--Logging:Format", StringComparison.Ordinal)))
        {
            args = [.. args, "--Logging:Format=Text"];
        }

        // A lock directory of its own unless a test shares one: tests run many daemons side by side.
        var settings = new HostSettings(
            HostConfigPath,
            logging => logging.WriteTo.Sink(Sink),
            // The recorder, resolved with the worker's publishers, also hands over the host's services.
            Services: services => services.AddSingleton<IPollPublisher>(provider =>
            {
                _services.TrySetResult(provider);
                return Polls;
            }),
            RuntimeDirectory: runtimeDirectory ?? _configDirectory.Path);
        _run = Task.Run(() => ConntrackWatchApp.RunAsync(args, settings, Output, Error, _stop.Token));
    }

    private readonly TaskCompletionSource<IServiceProvider> _services = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CollectingSink Sink { get; } = new();

    /// <summary>The running host's services, once its worker has been created.</summary>
    public Task<IServiceProvider> Services => _services.Task;

    /// <summary>The report of every poll the daemon completed.</summary>
    internal ReportRecorder Polls { get; } = new();

    public StringWriter Output { get; } = new();

    public StringWriter Error { get; } = new();

    public string HostConfigPath { get; }

    public Task<int> Exited => _run;

    /// <summary>Starts the daemon over <paramref name="tree"/>, polling every 100 ms.</summary>
    public static InProcessDaemon Start(FakeProcTree tree, string? hostConfig = null, params string[] extraArgs) =>
        new([$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.100", .. extraArgs], hostConfig);

    public static InProcessDaemon StartWithArgs(params string[] args) => new(args, null);

    /// <summary>Runs <c>conntrackwatch status</c> with <paramref name="args"/> to its end: its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> StatusAsync(params string[] args)
    {
        await using var daemon = StartWithArgs(["status", .. args]);
        int exitCode = await daemon.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return (exitCode, daemon.Output.ToString(), daemon.Error.ToString());
    }

    /// <summary>Starts over <paramref name="tree"/> with its lock file in <paramref name="runtimeDirectory"/>, as another daemon may.</summary>
    public static InProcessDaemon StartWithLockIn(FakeProcTree tree, string runtimeDirectory) =>
        new([$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.100"], null, null, runtimeDirectory);

    /// <summary>Starts with <paramref name="args"/> after <paramref name="prepare"/> has made the per-host file (a FIFO, a link...).</summary>
    public static InProcessDaemon StartWithHostFile(Action<string> prepare, params string[] args) => new(args, null, prepare);

    /// <summary>Waits until <paramref name="count"/> more polls have completed: the sign that nothing else happened meanwhile.</summary>
    public Task WaitForMorePollsAsync(int count)
    {
        int target = Polls.Count + count;
        return Eventually.TrueAsync(() => Polls.Count >= target, $"{count} more polls completed");
    }

    /// <summary>Stops it as SIGTERM would and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
        _configDirectory.Dispose();
        await Output.DisposeAsync();
        await Error.DisposeAsync();
    }
}
