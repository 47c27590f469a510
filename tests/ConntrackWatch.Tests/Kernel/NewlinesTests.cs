using System.Runtime.Intrinsics.X86;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

public sealed class NewlinesTests
{
    // Around the step (64 bytes) and the 63 steps after which the byte counters are summed.
    public static TheoryData<int> Lengths => [0, 1, 63, 64, 65, 127, 128, 129, 4031, 4032, 4033, 4095, 8064, 8065, 262_144, 262_143];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void CountsWhatAByteByByteCountFindsAtAnyDensity(int length)
    {
        var random = new Random(length);
        foreach (int oneIn in new[] { 1, 2, 7, 150, 100_000 })
        {
            byte[] data = new byte[length];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = random.Next(oneIn) == 0 ? (byte)'\n' : (byte)random.Next(256);
            }

            long expected = data.LongCount(b => b == (byte)'\n');
            Assert.Equal(expected, Newlines.Count(data));
            if (Sse2.IsSupported && length >= 64)
            {
                Assert.Equal(expected, Newlines.CountSse2(data));
            }
        }
    }

    [Fact]
    public void ABufferOfNothingButNewlinesDoesNotOverflowTheByteCounters()
    {
        byte[] data = [.. Enumerable.Repeat((byte)'\n', 1 << 20)];

        Assert.Equal(1 << 20, Newlines.Count(data));
        Assert.Equal(1 << 20, Newlines.CountSse2(data));
    }
}
