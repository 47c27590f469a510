using BenchmarkDotNet.Attributes;
using ConntrackWatch.Kernel;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Benchmarks;

/// <summary>
/// Counting the real /proc/net/nf_conntrack of the network namespace this runs in, as the daemon does with
/// CountSource=Table: through a handle kept open between polls. tests/perf/compare.sh runs it in a namespace
/// filled with 100,000 entries; most of the cost is the kernel printing the table.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class RealTableBenchmarks
{
    private readonly LineCounter _counter = new();
    private SafeFileHandle? _handle;

    [GlobalSetup]
    public void Setup()
    {
        _handle = File.OpenHandle("/proc/net/nf_conntrack");
        _counter.CountLines(_handle);
    }

    [GlobalCleanup]
    public void Cleanup() => _handle?.Dispose();

    [Benchmark]
    public long CountRealTable() => _counter.CountLines(_handle!);
}
