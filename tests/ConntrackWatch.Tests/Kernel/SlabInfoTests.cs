using System.Text;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

public sealed class SlabInfoTests
{
    private const string Header =
        "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n";

    [Fact]
    public void ReadsTheObjectSizeOfTheConntrackCacheNotTheExpectCache()
    {
        string slabinfo = Header +
            "nf_conntrack_expect      0      0    208   19    1 : tunables    0    0    0 : slabdata      0      0      0\n" +
            "nf_conntrack         1024   1024    320   12    1 : tunables    0    0    0 : slabdata     85     85      0\n";

        Assert.True(SlabInfo.TryParseConntrackObjectSize(Encoding.ASCII.GetBytes(slabinfo), out int size));
        Assert.Equal(320, size);
    }

    [Fact]
    public void ReadsLegacyPerNamespaceCaches()
    {
        string slabinfo = Header +
            "nf_conntrack_ffffffff81a2c2c0     12     12    312   12    1 : tunables    0    0    0 : slabdata      1      1      0\n";

        Assert.True(SlabInfo.TryParseConntrackObjectSize(Encoding.ASCII.GetBytes(slabinfo), out int size));
        Assert.Equal(312, size);
    }

    [Fact]
    public void FindsNothingWhenTheCacheIsMergedAway()
    {
        string slabinfo = Header + "kmalloc-256   100 100 256 16 1 : tunables 0 0 0 : slabdata 7 7 0\n";

        Assert.False(SlabInfo.TryParseConntrackObjectSize(Encoding.ASCII.GetBytes(slabinfo), out _));
    }
}
