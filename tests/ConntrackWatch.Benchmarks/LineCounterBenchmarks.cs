using BenchmarkDotNet.Attributes;

namespace ConntrackWatch.Benchmarks;

/// <summary>The streaming line counter on synthetic tables of 1 MB, 100 MB and 2 GB in the page cache.</summary>
public class LineCounterBenchmarks : KeptHandleCount
{
    [Params(1, 100, 2048)]
    public int Megabytes { get; set; }

    [Benchmark]
    public long CountLines() => Count();

    protected override string TablePath() => SyntheticTable.Ensure(Megabytes);
}
