namespace ConntrackWatch.Tests.Support;

/// <summary>
/// Measures what an action allocates on the calling thread once it is warm. The runtime itself sometimes
/// allocates on a test's thread (a one-off, such as a type loaded the first time a tiered method is swapped in),
/// which once failed a zero-allocation test in CI; an allocation the code makes on every call shows in every
/// trial, so the least over a few trials is what the code allocates.
/// </summary>
internal static class Allocations
{
    public static long OfSteadyState(Action action, int warmUps = 2, int trials = 5)
    {
        for (int i = 0; i < warmUps; i++)
        {
            action();
        }

        long least = long.MaxValue;
        for (int i = 0; i < trials; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
