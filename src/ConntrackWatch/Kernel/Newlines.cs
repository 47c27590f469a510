using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Counts the newlines in a buffer. Native AOT compiles for the baseline x64 CPU (SSE2 to SSE4.2; AVX2 would
/// leave out the Atom CPUs of many firewall appliances), where the runtime's span count takes a compare, a mask
/// extraction and a population count per 16 bytes. Here each step compares 64 bytes and subtracts the matches into
/// byte counters, summed (psadbw) before they could overflow (what it gains is in the README's performance
/// section). The same code runs on any x64 CPU; other CPUs count with the runtime's search.
/// </summary>
internal static class Newlines
{
    private const int Sse2Step = 4 * 16;

    // A byte counter gains at most 4 per step (four compares into one accumulator): 63 steps stay below 256.
    private const int StepsPerSum = 63;

    public static long Count(ReadOnlySpan<byte> data)
    {
        if (Sse2.IsSupported && data.Length >= Sse2Step)
        {
            return CountSse2(data);
        }

        return data.Count((byte)'\n');
    }

    internal static long CountSse2(ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        Vector128<byte> newline = Vector128.Create((byte)'\n');
        Vector128<ulong> sums = Vector128<ulong>.Zero;
        nuint length = (nuint)data.Length;
        nuint whole = length - (length % Sse2Step);
        nuint at = 0;
        while (at < whole)
        {
            nuint stop = Math.Min(whole, at + (StepsPerSum * Sse2Step));
            Vector128<byte> counts = Vector128<byte>.Zero;
            for (; at < stop; at += Sse2Step)
            {
                counts -= Vector128.Equals(Vector128.LoadUnsafe(ref start, at), newline);
                counts -= Vector128.Equals(Vector128.LoadUnsafe(ref start, at + 16), newline);
                counts -= Vector128.Equals(Vector128.LoadUnsafe(ref start, at + 32), newline);
                counts -= Vector128.Equals(Vector128.LoadUnsafe(ref start, at + 48), newline);
            }

            sums += Sse2.SumAbsoluteDifferences(counts, Vector128<byte>.Zero).AsUInt64();
        }

        return (long)Vector128.Sum(sums) + data[(int)whole..].Count((byte)'\n');
    }
}
