using ConntrackWatch.Decisions;

namespace ConntrackWatch.Kernel;

/// <summary>A memory ceiling, or why it could not be computed (and the last good one, if any).</summary>
internal sealed record CeilingRead(MemoryCeiling? Ceiling, ProcRead? Fault);
