using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// Another writer of nf_conntrack_max: kube-proxy at its start, systemd-sysctl at boot, tuned, an admin's
/// <c>sysctl -w</c>. When a poll finds the max below what the daemon last wrote (or, at start, below the max it
/// learned), one entry says so with the value found, the daemon's, and the writers it can see; then the policy
/// goes on as for any max. Said once per value found after each write of the daemon's, counted for the metrics.
/// </summary>
internal sealed partial class MaxDrift(ILogger<MaxDrift> logger)
{
    private (long Found, long Writes)? _reported;

    /// <summary>Times a lower max than the daemon's was found since start.</summary>
    public long LoweredTotal { get; private set; }

    /// <summary>Compares the max <paramref name="found"/> with the daemon's own <paramref name="expected"/> (null: none yet).</summary>
    /// <param name="what">Whose value the expected one is: "wrote", "learned before the restart".</param>
    /// <param name="writes">How many times the daemon has written the max: a write of its own makes the same value news again.</param>
    public void Check(long found, long? expected, string what, long writes, string hostRoot, string procRoot)
    {
        if (expected is not { } own || found >= own)
        {
            _reported = null; // back at (or above) the daemon's: a later lowering is news again
            return;
        }

        if (_reported == (found, writes))
        {
            return;
        }

        _reported = (found, writes);
        LoweredTotal++;
        List<string> writers = MaxWriters.Find(hostRoot, procRoot);
        LogLowered(found, own, what, writers.Count > 0 ? string.Join("; ", writers) : "none found (sysctl -w by hand, tuned, or a process that has ended)");
    }

    [LoggerMessage(EventId = LogEvents.MaxLowered, Level = LogLevel.Warning,
        Message = "nf_conntrack_max is {ConntrackMax}, below the {DaemonMax} ConntrackWatch {DaemonMaxWas}: another writer set it. Writers of it seen: {MaxWriters}. The policy goes on from the max found; to keep one value, remove the others or let only one of them set it")]
    private partial void LogLowered(long conntrackMax, long daemonMax, string daemonMaxWas, string maxWriters);
}
