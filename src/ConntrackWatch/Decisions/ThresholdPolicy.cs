using System.Globalization;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Decisions;

/// <summary>
/// Decides whether to raise nf_conntrack_max. Pure: it sees only the window, the settings and the ceiling.
/// The defaults are the old script's rule: at 60% of the maximum, raise it to twice that mark (1.2 x max).
/// Two more kinds of evidence raise at once: the kernel's drop counters grew since the last poll (the table was
/// full in between), or the trend reaches the mark within the lookahead (a flood is met before it hits).
/// </summary>
internal static class ThresholdPolicy
{
    /// <summary>nf_conntrack_max is a C int; the kernel rejects anything larger.</summary>
    public const long KernelMaxLimit = int.MaxValue;

    /// <summary><paramref name="count"/> as a percentage of <paramref name="max"/>; 0 where there is no maximum.</summary>
    public static double PercentOf(long count, long max) => max > 0 ? 100.0 * count / max : 0;

    /// <summary>
    /// The most a maximum may be raised to: every namespace's entries share the kernel's memory, so one may grow
    /// only into what the others leave of the ceiling; and nf_conntrack_max is a C int.
    /// </summary>
    public static long LimitFor(long memoryCeiling, long otherEntries) => Math.Min(memoryCeiling - Math.Max(0, otherEntries), KernelMaxLimit);

    /// <summary>
    /// Whether to put back <paramref name="learnedMax"/>, learned before a reboot, over the kernel's
    /// <paramref name="currentMax"/>: to it, bounded as a raise is (<see cref="LimitFor"/>); None when the kernel
    /// has as much already or the memory allows no more, RefusedNoCeiling when the ceiling is unknown.
    /// </summary>
    public static (DecisionKind Kind, long Target, long? Limit) Restore(long learnedMax, long currentMax, long? ceiling, long otherEntries)
    {
        if (learnedMax <= currentMax)
        {
            return (DecisionKind.None, currentMax, null); // not after a reboot: the kernel still has it, or more
        }

        if (ceiling is not { } memoryCeiling)
        {
            return (DecisionKind.RefusedNoCeiling, currentMax, null);
        }

        long limit = LimitFor(memoryCeiling, otherEntries);
        long target = Math.Min(learnedMax, limit);
        return target > currentMax ? (DecisionKind.Raise, target, limit) : (DecisionKind.None, currentMax, limit);
    }

    /// <summary>The smallest count that has reached <paramref name="percent"/>% of <paramref name="max"/>.</summary>
    public static long HighWaterMark(long max, int percent) => ((max * percent) + 99) / 100;

    /// <param name="ceiling">The memory ceiling in entries, for every namespace together; null when unknown.</param>
    /// <param name="otherEntries">Entries the other network namespaces hold: the memory they use is not this one's to grow into.</param>
    /// <param name="of">The namespace the window is of, named at the start of the reason; null for the host's.</param>
    public static RaiseDecision Decide(SampleWindow window, PolicySettings settings, long? ceiling, long otherEntries = 0, NamespaceReading? of = null)
    {
        Sample latest = window.Latest;
        long max = latest.Max;
        long mark = HighWaterMark(max, settings.HighWaterPercent);
        Trend trend = Trend.Of(window, mark);
        long dropped = DroppedSinceLastSample(window);
        RaiseDecision None() => new(DecisionKind.None, latest.Count, max, mark, max, ceiling, false, string.Empty, RaiseTrigger.None, trend, dropped, of);

        // A maximum of 0 means "no limit" to the kernel: nothing to protect.
        if (max <= 0)
        {
            return None();
        }

        (RaiseTrigger trigger, string evidence) = Evidence(latest, mark, settings, trend, dropped);
        if (trigger == RaiseTrigger.None)
        {
            return None();
        }

        RaiseDecision Decision(DecisionKind kind, long target, long? limit, bool clamped, string reason) =>
            new(kind, latest.Count, max, mark, target, ceiling, clamped, (of is { } named ? $"{named.Subject}: {evidence}" : evidence) + reason, trigger, trend, dropped, of, limit);

        if (ceiling is not { } memoryCeiling)
        {
            return Decision(DecisionKind.RefusedNoCeiling, max, null, false, "; the memory ceiling is unknown, so no raise is safe");
        }

        long limit = LimitFor(memoryCeiling, otherEntries);
        string ceilingText = otherEntries > 0
            ? Invariant($"the memory ceiling {limit} ({memoryCeiling} less the {otherEntries} entries of the other namespaces)")
            : Invariant($"the memory ceiling {limit}");
        if (max >= limit)
        {
            return Decision(DecisionKind.RefusedAtCeiling, max, limit, false,
                Invariant($"; the maximum {max} is already at or above {ceilingText}"));
        }

        // Rounding must never turn a raise into a no-op: at least one more entry.
        long target = Math.Max((long)Math.Floor(mark * settings.RaiseMultiplier), max + 1);
        return target > limit
            ? Decision(DecisionKind.Raise, limit, limit, true,
                Invariant($"; {settings.RaiseMultiplier}x the mark is {target}, above {ceilingText}, so raising to the ceiling"))
            : Decision(DecisionKind.Raise, target, limit, false, Invariant($"; raising to {settings.RaiseMultiplier}x the mark"));
    }

    private static (RaiseTrigger Trigger, string Evidence) Evidence(
        Sample latest, long mark, PolicySettings settings, Trend trend, long dropped)
    {
        if (latest.Count >= mark)
        {
            return (RaiseTrigger.HighWaterMark, Invariant(
                $"count {latest.Count} reached the high-water mark {mark} ({settings.HighWaterPercent}% of {latest.Max})"));
        }

        // drop and early_drop only grow when the table is full: it was, between the two polls.
        if (dropped > 0)
        {
            return (RaiseTrigger.KernelDrops, Invariant(
                $"the kernel dropped {dropped} packets or entries since the last poll because the table was full (count now {latest.Count} of {latest.Max})"));
        }

        if (settings.Lookahead > TimeSpan.Zero && trend.IsGrowing && trend.SecondsToMark <= settings.Lookahead.TotalSeconds)
        {
            return (RaiseTrigger.Projection, Invariant(
                $"count {latest.Count} grows {trend.GrowthPerSecond:0.#} per second and reaches the high-water mark {mark} in {trend.SecondsToMark:0} s, within the lookahead of {settings.Lookahead.TotalSeconds:0} s"));
        }

        return (RaiseTrigger.None, string.Empty);
    }

    private static long DroppedSinceLastSample(SampleWindow window)
    {
        // The poll before, not the kept sample before: a coarse window keeps fewer samples than polls.
        if (window.Latest.TableFullDrops is not { } now || window.PreviousTableFullDrops is not { } before)
        {
            return 0;
        }

        return ConntrackCounters.Growth(now, before);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
