using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Benchmarks;

/// <summary>
/// Reading every network namespace on the real kernel: 200 idle namespaces made with <c>ip netns add</c> (no process
/// in them: entered once, then read through their stat files), and 2,000 extra processes for the rediscovery's full
/// /proc scan. <c>Poll</c> is the daemon's reading with <c>Conntrack:Namespaces</c> All against Host;
/// <c>Rediscover</c> scans /proc and the bind mounts at every call. Needs root and the nf_conntrack module; every
/// namespace and process it made is removed at the end (and any left by a killed run, at the start).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class NamespaceBenchmarks
{
    private const string Prefix = "cwbench";
    private const int IdleNamespaces = 200;
    private const int ExtraProcesses = 2_000;

    private readonly List<Process> _sleepers = [];
    private KernelReader _reader = null!;
    private NamespaceWatcher _watcher = null!;
    private ReadSettings _settings;

    [Params(NamespaceMode.Host, NamespaceMode.All)]
    public NamespaceMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        DeleteNamespaces();
        for (int i = 0; i < IdleNamespaces; i++)
        {
            Run("ip", "netns", "add", $"{Prefix}{i}");
        }

        for (int i = 0; i < ExtraProcesses; i++)
        {
            _sleepers.Add(Process.Start(new ProcessStartInfo("sleep", "3600") { UseShellExecute = false })!);
        }

        _settings = new ReadSettings("/proc", CountSource.Auto, StatsSource.Auto, 70, null, TimeSpan.FromHours(1), Mode, TimeSpan.FromHours(1));
        _reader = new KernelReader(TimeProvider.System);
        _watcher = new NamespaceWatcher(TimeProvider.System);
        KernelReading first = _reader.Read(_settings);
        int seen = first.Namespaces?.Others.Count ?? 0;
        if (!first.IsComplete || (Mode == NamespaceMode.All && seen < IdleNamespaces))
        {
            throw new InvalidOperationException($"The first reading saw {seen} namespaces: run as root with nf_conntrack loaded.");
        }
    }

    /// <summary>One reading as the daemon's poll makes it: the host's figures, and with All every namespace's.</summary>
    [Benchmark]
    public long Poll()
    {
        KernelReading reading = _reader.Read(_settings);
        return reading.Count.Value + (reading.Namespaces?.TotalWith(0) ?? 0);
    }

    /// <summary>A full rescan for new namespaces: every /proc/PID and every bind mount, as the scan interval runs it.</summary>
    [Benchmark]
    public int Rediscover() => Mode == NamespaceMode.All ? _watcher.Read("/proc", TimeSpan.Zero).Others.Count : 0;

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (Process sleeper in _sleepers)
        {
            sleeper.Kill();
            sleeper.WaitForExit();
            sleeper.Dispose();
        }

        _reader.Dispose();
        _watcher.Dispose();
        DeleteNamespaces();
    }

    private static void DeleteNamespaces()
    {
        if (!Directory.Exists("/run/netns"))
        {
            return;
        }

        foreach (string bound in Directory.GetFiles("/run/netns", $"{Prefix}*"))
        {
            Run("ip", "netns", "delete", Path.GetFileName(bound));
        }
    }

    private static void Run(string file, params string[] args)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
        process.WaitForExit();
    }
}
