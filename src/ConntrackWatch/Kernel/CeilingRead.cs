using ConntrackWatch.Decisions;

namespace ConntrackWatch.Kernel;

/// <summary>A memory ceiling, or why it could not be computed (and the last good one, if any).</summary>
internal readonly record struct CeilingRead(MemoryCeiling? Ceiling, ProcRead? Fault);
