using ConntrackWatch.Decisions;

namespace ConntrackWatch.Tests.Decisions;

public sealed class BucketPolicyTests
{
    [Theory]
    [InlineData(262_144, 65_536, 4, null)]        // 4 per bucket exactly: enough
    [InlineData(262_145, 65_536, 4, 65_537L)]     // one more entry: a bucket more, rounded up
    [InlineData(314_572, 262_144, 4, null)]       // the kernel's default of one bucket per entry: plenty
    [InlineData(1_200_000, 65_536, 4, 300_000L)]
    [InlineData(1_200_000, 0, 4, null)]           // unknown: nothing to resize from
    public void ResizesOnlyWhenTheMaxOutgrowsItsBucketsAndThenToMaxOverEntriesPerBucket(long newMax, long buckets, int perBucket, long? expected)
    {
        Assert.Equal(expected, BucketPolicy.TargetFor(newMax, buckets, perBucket));
    }
}
