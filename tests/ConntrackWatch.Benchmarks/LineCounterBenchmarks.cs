using BenchmarkDotNet.Attributes;
using ConntrackWatch.Kernel;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Benchmarks;

/// <summary>
/// The streaming line counter on tables of 1 MB, 100 MB and 2 GB in the page cache, through a handle kept open
/// as the daemon keeps its /proc/net/nf_conntrack handle between polls.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class LineCounterBenchmarks
{
    private readonly LineCounter _counter = new();
    private SafeFileHandle? _handle;

    [Params(1, 100, 2048)]
    public int Megabytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _handle = File.OpenHandle(SyntheticTable.Ensure(Megabytes));
        _counter.CountLines(_handle); // the buffer is allocated once, on first use
    }

    [GlobalCleanup]
    public void Cleanup() => _handle?.Dispose();

    [Benchmark]
    public long CountLines() => _counter.CountLines(_handle!);
}
