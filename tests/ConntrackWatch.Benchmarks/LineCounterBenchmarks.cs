using BenchmarkDotNet.Attributes;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Benchmarks;

/// <summary>The streaming line counter on tables of 1 MB, 100 MB and 2 GB in the page cache.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class LineCounterBenchmarks
{
    private readonly LineCounter _counter = new();
    private string _path = string.Empty;

    [Params(1, 100, 2048)]
    public int Megabytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = SyntheticTable.Ensure(Megabytes);
        _counter.CountLines(_path); // the buffer is allocated once, on first use
    }

    [Benchmark]
    public long CountLines() => _counter.CountLines(_path).Value;
}
