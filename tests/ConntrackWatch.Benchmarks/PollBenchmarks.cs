using BenchmarkDotNet.Attributes;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Benchmarks;

/// <summary>
/// What one poll reads from this machine's real kernel: the count, the maximum and the per-CPU drop counters
/// (over ctnetlink). Needs root and the nf_conntrack module.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PollBenchmarks
{
    private readonly ConntrackReader _reader = new();
    private readonly CountersReader _counters = new();
    private ConntrackLayout _layout = null!;

    [GlobalSetup]
    public void Setup()
    {
        _layout = ConntrackLayoutDetector.Detect("/proc")
            ?? throw new InvalidOperationException("No conntrack here: load nf_conntrack first.");
        if (!Poll())
        {
            throw new InvalidOperationException("The first poll failed: run as root.");
        }
    }

    [Benchmark]
    public bool Poll() =>
        _reader.ReadCount(_layout, CountSource.CountFile).IsOk
        & _reader.ReadMax(_layout).IsOk
        & _counters.Read("/proc", StatsSource.Netlink).IsOk;
}
