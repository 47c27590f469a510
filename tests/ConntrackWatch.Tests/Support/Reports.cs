using ConntrackWatch.Decisions;
using ConntrackWatch.Service;

namespace ConntrackWatch.Tests.Support;

/// <summary>Poll reports for the publishers' tests.</summary>
internal static class Reports
{
    public static PollReport Completed(RaiseDecision decision, bool raised) => new(
        PollOutcome.Completed, DateTimeOffset.UnixEpoch, default, raised ? RaiseOutcome.Raised : RaiseOutcome.NotRaised, raised ? 1 : 0, 0,
        Verdict: Verdict.HostOnly(decision));

    public static PollReport Of(PollOutcome outcome, string? problem = null) => new(
        outcome, DateTimeOffset.UnixEpoch, default, RaiseOutcome.NotRaised, 0, 0, problem);
}
