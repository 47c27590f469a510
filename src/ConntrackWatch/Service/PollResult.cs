using ConntrackWatch.Decisions;

namespace ConntrackWatch.Service;

/// <summary>What one poll saw and did.</summary>
internal readonly record struct PollResult(PollStatus Status, RaiseDecision Decision, bool Raised)
{
    public static PollResult Unavailable => new(PollStatus.Unavailable, default, false);

    public static PollResult Skipped => new(PollStatus.Skipped, default, false);
}
