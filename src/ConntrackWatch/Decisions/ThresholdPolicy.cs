using System.Globalization;

namespace ConntrackWatch.Decisions;

/// <summary>
/// Decides whether to raise nf_conntrack_max. Pure: it sees only the window, the settings and the ceiling.
/// The defaults are the old script's rule: at 60% of the maximum, raise it to twice that mark (1.2 x max).
/// </summary>
internal static class ThresholdPolicy
{
    /// <summary>nf_conntrack_max is a C int; the kernel rejects anything larger.</summary>
    public const long KernelMaxLimit = int.MaxValue;

    /// <summary>The smallest count that has reached <paramref name="percent"/>% of <paramref name="max"/>.</summary>
    public static long HighWaterMark(long max, int percent) => ((max * percent) + 99) / 100;

    public static RaiseDecision Decide(SampleWindow window, int highWaterPercent, double raiseMultiplier, long? ceiling)
    {
        Sample latest = window.Latest;
        long max = latest.Max;
        long mark = HighWaterMark(max, highWaterPercent);

        // A maximum of 0 means "no limit" to the kernel: nothing to protect.
        if (max <= 0 || latest.Count < mark || window.IsLatestActedOn)
        {
            return new RaiseDecision(DecisionKind.None, latest.Count, max, mark, max, ceiling, false, string.Empty);
        }

        string evidence = string.Create(CultureInfo.InvariantCulture,
            $"count {latest.Count} reached the high-water mark {mark} ({highWaterPercent}% of {max})");

        if (ceiling is not { } memoryCeiling)
        {
            return new RaiseDecision(DecisionKind.RefusedNoCeiling, latest.Count, max, mark, max, null, false,
                evidence + "; the memory ceiling is unknown, so no raise is safe");
        }

        long limit = Math.Min(memoryCeiling, KernelMaxLimit);
        if (max >= limit)
        {
            return new RaiseDecision(DecisionKind.RefusedAtCeiling, latest.Count, max, mark, max, limit, false,
                evidence + string.Create(CultureInfo.InvariantCulture,
                    $"; the maximum {max} is already at or above the memory ceiling {limit}"));
        }

        // Rounding must never turn a raise into a no-op: at least one more entry.
        long target = Math.Max((long)Math.Floor(mark * raiseMultiplier), max + 1);
        if (target > limit)
        {
            return new RaiseDecision(DecisionKind.Raise, latest.Count, max, mark, limit, limit, true,
                evidence + string.Create(CultureInfo.InvariantCulture,
                    $"; {raiseMultiplier}x the mark is {target}, above the ceiling {limit}, so raising to the ceiling"));
        }

        return new RaiseDecision(DecisionKind.Raise, latest.Count, max, mark, target, limit, false,
            evidence + string.Create(CultureInfo.InvariantCulture, $"; raising to {raiseMultiplier}x the mark"));
    }
}
