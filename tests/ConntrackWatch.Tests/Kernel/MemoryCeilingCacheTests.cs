using ConntrackWatch.Kernel;
using Microsoft.Extensions.Time.Testing;

namespace ConntrackWatch.Tests.Kernel;

public sealed class MemoryCeilingCacheTests
{
    private readonly FakeTimeProvider _time = new();
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(1);
    private readonly CeilingSettings _options = new("/proc", 70, null);
    private int _reads;
    private long _entries = 1000;
    private bool _fail;

    private KernelResult<MemoryCeiling?> Read(CeilingSettings settings)
    {
        _reads++;
        return _fail
            ? KernelResult.Fault(ReadStatus.Denied, "/proc/meminfo", "permission denied")
            : KernelResult.Ok<MemoryCeiling?>("/proc/meminfo", new MemoryCeiling(_entries, 1, settings.Percent, 320, "test"));
    }

    [Fact]
    public void ReadsOnceAndServesTheCachedValueUntilTheRefreshInterval()
    {
        var cache = new MemoryCeilingCache(_time, Read);

        Assert.Equal(1000, cache.Get(_options, RefreshInterval).Value!.Entries);
        _entries = 2000;
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(1000, cache.Get(_options, RefreshInterval).Value!.Entries);
        Assert.Equal(1, _reads);

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2000, cache.Get(_options, RefreshInterval).Value!.Entries);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public void RefreshesAtOnceWhenTheCeilingPercentChanges()
    {
        var cache = new MemoryCeilingCache(_time, Read);
        cache.Get(_options, RefreshInterval);

        KernelResult<MemoryCeiling?> read = cache.Get(_options with { Percent = 50 }, RefreshInterval);

        Assert.Equal(2, _reads);
        Assert.Equal(50, read.Value!.Percent);
    }

    [Fact]
    public void KeepsTheLastGoodCeilingWhenARefreshFailsAndRetriesAtTheNextCall()
    {
        var cache = new MemoryCeilingCache(_time, Read);
        cache.Get(_options, RefreshInterval);
        _time.Advance(TimeSpan.FromHours(2));
        _fail = true;

        KernelResult<MemoryCeiling?> failed = cache.Get(_options, RefreshInterval);

        Assert.Equal(1000, failed.Value!.Entries);
        Assert.Equal("/proc/meminfo", failed.Fault!.Value.Path);

        _fail = false;
        _entries = 3000;
        KernelResult<MemoryCeiling?> recovered = cache.Get(_options, RefreshInterval);

        Assert.Null(recovered.Fault);
        Assert.Equal(3000, recovered.Value!.Entries);
    }

    [Fact]
    public void HasNoCeilingWhenTheFirstReadFails()
    {
        _fail = true;

        KernelResult<MemoryCeiling?> read = new MemoryCeilingCache(_time, Read).Get(_options, RefreshInterval);

        Assert.Null(read.Value);
        Assert.NotNull(read.Fault);
    }
}
