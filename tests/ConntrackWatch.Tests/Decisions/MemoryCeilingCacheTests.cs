using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using Microsoft.Extensions.Time.Testing;

namespace ConntrackWatch.Tests.Decisions;

public sealed class MemoryCeilingCacheTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ConntrackOptions _options = new() { CeilingRefreshInterval = TimeSpan.FromHours(1) };
    private int _reads;
    private long _entries = 1000;
    private bool _fail;

    private CeilingRead Read(ConntrackOptions options)
    {
        _reads++;
        return _fail
            ? new CeilingRead(null, ProcRead.Fault(ReadStatus.Denied, "/proc/meminfo", "permission denied"))
            : new CeilingRead(new MemoryCeiling(_entries, 1, options.MemoryCeilingPercent, 320, "test"), null);
    }

    [Fact]
    public void ReadsOnceAndServesTheCachedValueUntilTheRefreshInterval()
    {
        var cache = new MemoryCeilingCache(_time, Read);

        Assert.Equal(1000, cache.Get(_options).Ceiling!.Entries);
        _entries = 2000;
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(1000, cache.Get(_options).Ceiling!.Entries);
        Assert.Equal(1, _reads);

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2000, cache.Get(_options).Ceiling!.Entries);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public void RefreshesAtOnceWhenTheCeilingPercentChanges()
    {
        var cache = new MemoryCeilingCache(_time, Read);
        cache.Get(_options);

        CeilingRead read = cache.Get(new ConntrackOptions { MemoryCeilingPercent = 50 });

        Assert.Equal(2, _reads);
        Assert.Equal(50, read.Ceiling!.Percent);
    }

    [Fact]
    public void KeepsTheLastGoodCeilingWhenARefreshFailsAndRetriesAtTheNextCall()
    {
        var cache = new MemoryCeilingCache(_time, Read);
        cache.Get(_options);
        _time.Advance(TimeSpan.FromHours(2));
        _fail = true;

        CeilingRead failed = cache.Get(_options);

        Assert.Equal(1000, failed.Ceiling!.Entries);
        Assert.Equal("/proc/meminfo", failed.Fault!.Value.Path);

        _fail = false;
        _entries = 3000;
        CeilingRead recovered = cache.Get(_options);

        Assert.Null(recovered.Fault);
        Assert.Equal(3000, recovered.Ceiling!.Entries);
    }

    [Fact]
    public void HasNoCeilingWhenTheFirstReadFails()
    {
        _fail = true;

        CeilingRead read = new MemoryCeilingCache(_time, Read).Get(_options);

        Assert.Null(read.Ceiling);
        Assert.NotNull(read.Fault);
    }
}
