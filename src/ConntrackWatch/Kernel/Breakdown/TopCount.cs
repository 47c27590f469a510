namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>A key and how many entries it has.</summary>
/// <param name="Count">Exact when <paramref name="Error"/> is 0; otherwise at most that much too high.</param>
/// <param name="Error">How much <paramref name="Count"/> may over-state: 0 for an exact count.</param>
internal readonly record struct TopCount<TKey>(TKey Key, long Count, long Error)
{
    public bool IsExact => Error == 0;

    /// <summary>The count it certainly has.</summary>
    public long AtLeast => Count - Error;
}
