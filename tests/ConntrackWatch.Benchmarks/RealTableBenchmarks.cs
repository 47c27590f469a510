using BenchmarkDotNet.Attributes;

namespace ConntrackWatch.Benchmarks;

/// <summary>
/// Counting the real /proc/net/nf_conntrack of the network namespace this runs in, as the daemon does with
/// CountSource=Table. tests/perf/compare.sh runs it in a namespace filled with 100,000 entries; most of the cost
/// is the kernel printing the table.
/// </summary>
public class RealTableBenchmarks : KeptHandleCount
{
    [Benchmark]
    public long CountRealTable() => Count();

    protected override string TablePath() => "/proc/net/nf_conntrack";
}
