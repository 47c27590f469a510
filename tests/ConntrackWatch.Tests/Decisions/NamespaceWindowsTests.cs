using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Decisions;

public sealed class NamespaceWindowsTests
{
    private static readonly PolicySettings Defaults = new(60, 2.0, TimeSpan.Zero);

    private static NamespaceReading Namespace(ulong key, string name, long count, long drops = 0) =>
        new(new FileIdentity(key, 1), name, 4026532000 + (long)key, count, new ConntrackCounters(drops, 0, 0, null));

    private static KernelReading Reading(long hostCount, long max, long? ceiling, params NamespaceReading[] others) => new(
        new ConntrackLayout("sys/net/netfilter/nf_conntrack_max", "/proc/sys/net/netfilter/nf_conntrack_max", null, null),
        KernelResult.Ok("max", max),
        KernelResult.Ok("count", hostCount),
        default,
        KernelResult.Ok("ctnetlink", new ConntrackCounters(0, 0, 0, null)),
        KernelResult.Ok<MemoryCeiling?>("meminfo", ceiling is { } c ? new MemoryCeiling(c, 1L << 32, 70, 320, "test") : null),
        Namespaces: new NamespaceSet([.. others], 4026531833, [], null));

    [Fact]
    public void RaisesForTheNamespaceThatReachedTheMarkWhileTheHostIsIdle()
    {
        var windows = new NamespaceWindows(4);

        Verdict verdict = windows.AddAndDecide(
            Reading(2, 1000, 1_000_000, Namespace(1, "empty", 0), Namespace(2, "web", 700), Namespace(3, "db", 300)), 0, Defaults);

        Assert.Equal(DecisionKind.Raise, verdict.Decision.Kind);
        Assert.Equal(1200, verdict.Decision.Target); // twice the mark 600, as for the host
        Assert.Equal("web", verdict.Decision.Namespace?.Name);
        Assert.StartsWith("web (ns 4026532002): count 700 reached the high-water mark 600", verdict.Decision.Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.None, verdict.Host.Kind);
        Assert.Equal(1002, verdict.TotalEntries);
        Assert.Equal(4, verdict.NamespaceCount);
        Assert.Equal("web", verdict.Fullest?.Namespace.Name);
        Assert.Equal(["web", "db", "empty"], verdict.Others.Select(o => o.Namespace.Name));
    }

    [Fact]
    public void AVerdictKeptPastTheNextPollNeverShowsThatPollsDecisionsAsItsOwn()
    {
        var windows = new NamespaceWindows(4);
        Verdict first = windows.AddAndDecide(Reading(2, 1000, 1_000_000, Namespace(1, "web", 700)), 0, Defaults);
        NamespaceDecision[] kept = first.Others.ToArray();

        Verdict second = windows.AddAndDecide(Reading(2, 1000, 1_000_000, Namespace(2, "db", 10), Namespace(3, "cache", 5)), 1, Defaults);

        // The windows refill one list at each poll: the first verdict's view of it is spent, and says so.
        var stale = Assert.Throws<InvalidOperationException>(() => first.Others.Count);
        Assert.Contains("refilled", stale.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => first.Others[0]);
        Assert.Equal(("web", 700L), (kept.Single().Namespace.Name, kept.Single().Decision.Count)); // a copy taken in time stays
        Assert.Equal(["db", "cache"], second.Others.Select(o => o.Namespace.Name));
        Assert.Equal("web", first.Fullest?.Namespace.Name); // a value of the verdict's own, not a view
    }

    [Fact]
    public void AnUnprivilegedUsersNamespaceAtTheMarkRaisesNothingUnlessRaiseForAll()
    {
        NamespaceReading users = Namespace(1, "user 65534: pid 9 (sh)", 950) with { Owner = NamespaceOwner.User };
        NamespaceReading web = Namespace(2, "web", 500);

        Verdict verdict = new NamespaceWindows(4).AddAndDecide(Reading(2, 1000, 1_000_000, users, web), 0, Defaults);

        Assert.Equal(DecisionKind.None, verdict.Decision.Kind); // the host's own: nothing is due where the host governs
        Assert.Equal(("user 65534: pid 9 (sh)", DecisionKind.Raise, false), (verdict.Others[0].Namespace.Name, verdict.Others[0].Decision.Kind, verdict.Others[0].IsActedOn));
        Assert.True(verdict.Others[1].IsActedOn);
        Assert.Equal("user 65534: pid 9 (sh)", verdict.Fullest?.Namespace.Name); // still shown as the fullest
        Assert.Equal(1452, verdict.TotalEntries); // and its memory still counts against the ceiling

        Verdict all = new NamespaceWindows(4).AddAndDecide(Reading(2, 1000, 1_000_000, users, web), 0, Defaults with { RaiseFor = RaiseFor.All });

        Assert.Equal((DecisionKind.Raise, 1200L, "user 65534: pid 9 (sh)"), (all.Decision.Kind, all.Decision.Target, all.Decision.Namespace?.Name));
        Assert.True(all.Others[0].IsActedOn);
    }

    [Fact]
    public void OfSeveralWithEvidenceTheFullestSpeaks()
    {
        var windows = new NamespaceWindows(4);

        Verdict verdict = windows.AddAndDecide(
            Reading(650, 1000, 1_000_000, Namespace(1, "a", 620), Namespace(2, "b", 900)), 0, Defaults);

        Assert.Equal("b", verdict.Decision.Namespace?.Name);
    }

    [Fact]
    public void WithoutEvidenceAnywhereTheHostsDecisionStands()
    {
        var windows = new NamespaceWindows(4);

        Verdict verdict = windows.AddAndDecide(Reading(100, 1000, 1_000_000, Namespace(1, "a", 500)), 0, Defaults);

        Assert.Equal(DecisionKind.None, verdict.Decision.Kind);
        Assert.Null(verdict.Decision.Namespace);
        Assert.Equal(100, verdict.Decision.Count);
    }

    [Fact]
    public void DropsInANamespaceRaiseEvenBelowTheMark()
    {
        var windows = new NamespaceWindows(4);
        windows.AddAndDecide(Reading(0, 1000, 1_000_000, Namespace(1, "vpn", 100, drops: 5)), 0, Defaults);

        Verdict verdict = windows.AddAndDecide(Reading(0, 1000, 1_000_000, Namespace(1, "vpn", 100, drops: 12)), 1, Defaults);

        Assert.Equal(RaiseTrigger.KernelDrops, verdict.Decision.Trigger);
        Assert.Equal(7, verdict.Decision.DroppedSinceLastPoll);
        Assert.StartsWith("vpn (ns 4026532001): the kernel dropped 7 ", verdict.Decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMemoryOtherNamespacesUseIsNotTheFullestOnesToGrowInto()
    {
        var windows = new NamespaceWindows(4);

        // Ceiling 2000; the others hold 500 + 400: web may grow to 1100 at most, not to 1.2 x 1000.
        Verdict verdict = windows.AddAndDecide(
            Reading(500, 1000, 2000, Namespace(1, "web", 700), Namespace(2, "db", 400)), 0, Defaults);

        Assert.Equal(DecisionKind.Raise, verdict.Decision.Kind);
        Assert.True(verdict.Decision.ClampedToCeiling);
        Assert.Equal(1100, verdict.Decision.Target);
        Assert.Contains("the memory ceiling 1100 (2000 less the 900 entries of the other namespaces)", verdict.Decision.Reason, StringComparison.Ordinal);
        // Two figures, each meaning one thing: the ceiling (as the metric and the STATUS= line show it) and the bound.
        Assert.Equal((2000L, 1100L), (verdict.Decision.MemoryCeiling, verdict.Decision.Limit));
        Assert.Equal((2000L, (long?)null), (verdict.Host.MemoryCeiling, verdict.Host.Limit)); // the host: nothing due
    }

    [Fact]
    public void RefusesWhenTheOthersLeaveNoRoomAboveTheMax()
    {
        var windows = new NamespaceWindows(4);

        Verdict verdict = windows.AddAndDecide(
            Reading(900, 1000, 2000, Namespace(1, "web", 700), Namespace(2, "db", 400)), 0, Defaults);

        Assert.Equal(DecisionKind.RefusedAtCeiling, verdict.Decision.Kind);
        Assert.Equal(1000, verdict.Decision.Target);
    }

    [Fact]
    public void AfterTheRaiseTheNamespaceIsJudgedAgainstTheNewMax()
    {
        var windows = new NamespaceWindows(4);
        Verdict first = windows.AddAndDecide(Reading(0, 1000, 1_000_000, Namespace(1, "web", 700)), 0, Defaults);
        Assert.Equal(DecisionKind.Raise, first.Decision.Kind);

        // The raise took effect: 700 of 1200 is below the new mark 720.
        Verdict next = windows.AddAndDecide(Reading(0, 1200, 1_000_000, Namespace(1, "web", 700)), 1, Defaults);
        Assert.Equal(DecisionKind.None, next.Decision.Kind);
    }

    [Fact]
    public void AVanishedNamespaceLeavesNoWindowOrDecisionBehind()
    {
        var windows = new NamespaceWindows(4);
        windows.AddAndDecide(Reading(0, 1000, 1_000_000, Namespace(1, "a", 10), Namespace(2, "b", 20)), 0, Defaults);

        Verdict verdict = windows.AddAndDecide(Reading(0, 1000, 1_000_000, Namespace(1, "a", 10)), 1, Defaults);

        Assert.Equal(["a"], verdict.Others.Select(o => o.Namespace.Name));
        Assert.Equal(10, verdict.TotalEntries);
    }

    [Fact]
    public void HostOnlyReadingGivesTheHostsDecision()
    {
        var windows = new NamespaceWindows(4);
        KernelReading hostOnly = Reading(700, 1000, 1_000_000) with { Namespaces = null };

        Verdict verdict = windows.AddAndDecide(hostOnly, 0, Defaults);

        Assert.Equal(DecisionKind.Raise, verdict.Decision.Kind);
        Assert.Null(verdict.Decision.Namespace);
        Assert.Equal(1, verdict.NamespaceCount);
        Assert.StartsWith("count 700 reached", verdict.Decision.Reason, StringComparison.Ordinal);
    }
}
