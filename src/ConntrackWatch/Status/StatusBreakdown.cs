using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Breakdown;

namespace ConntrackWatch.Status;

/// <summary>One namespace's table broken down, as <c>status --top</c> shows it.</summary>
/// <param name="Problem">Why it could not be read: the path or source and what went wrong.</param>
internal sealed record StatusBreakdown(
    string Namespace,
    long? Inode,
    TableBreakdown? Table,
    IReadOnlyList<string> Advice,
    string? Problem)
{
    public static StatusBreakdown From(string name, long? inode, in KernelResult<TableBreakdown> read) => read.IsOk
        ? new StatusBreakdown(name, inode, read.Value, BreakdownAdvice.For(read.Value!), null)
        : new StatusBreakdown(name, inode, null, [], read.Fault!.Value.ToString());
}
