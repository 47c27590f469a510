using BenchmarkDotNet.Attributes;
using ConntrackWatch.Kernel;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Benchmarks;

/// <summary>
/// Counting a table through a handle kept open between counts, as the daemon keeps its /proc/net/nf_conntrack
/// handle between polls; the counter's buffer is allocated at the first count, in setup.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public abstract class KeptHandleCount
{
    private readonly LineCounter _counter = new();
    private SafeFileHandle? _handle;

    protected abstract string TablePath();

    [GlobalSetup]
    public void Setup()
    {
        _handle = File.OpenHandle(TablePath());
        _counter.CountLines(_handle);
    }

    [GlobalCleanup]
    public void Cleanup() => _handle?.Dispose();

    protected long Count() => _counter.CountLines(_handle!);
}
