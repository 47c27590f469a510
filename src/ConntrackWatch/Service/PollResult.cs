using ConntrackWatch.Decisions;

namespace ConntrackWatch.Service;

/// <summary>What one poll saw and did.</summary>
/// <param name="Problem">Why a skipped poll was skipped: the file and what was wrong with it.</param>
internal readonly record struct PollResult(PollStatus Status, RaiseDecision Decision, bool Raised, string? Problem = null)
{
    public static PollResult Unavailable => new(PollStatus.Unavailable, default, false);

    public static PollResult Skipped(string problem) => new(PollStatus.Skipped, default, false, problem);

    /// <summary>The maximum in force after this poll.</summary>
    public long MaxAfter => Raised ? Decision.Target : Decision.CurrentMax;
}
