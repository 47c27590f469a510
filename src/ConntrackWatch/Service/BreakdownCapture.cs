using System.Globalization;
using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Breakdown;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Logging;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// Captures who fills a table the moment pressure starts: when a namespace reaches the high-water mark, when its
/// kernel drops packets, or when a raise is refused at the memory ceiling, its table is broken down and logged as
/// one catalogued entry. At most once per AlarmRepeatInterval per namespace, off the poll's path (a thread of its
/// own; the poll keeps its interval while a breakdown runs, and a second is not started while one runs), and not at
/// all with Conntrack:Breakdown=false.
/// </summary>
internal sealed partial class BreakdownCapture(ConntrackSettings settings, TimeProvider time, ILogger<BreakdownCapture> logger)
    : IPollPublisher, IDisposable
{
    private readonly Dictionary<string, long> _lastCapture = new(StringComparer.Ordinal);
    private Task _running = Task.CompletedTask;

    /// <summary>The capture in progress, or the last one: for tests, and to wait for at shutdown.</summary>
    public Task Running => _running;

    public void Publish(in PollReport report)
    {
        ConntrackOptions options = settings.Current;
        if (!options.Breakdown || report.Outcome != PollOutcome.Completed || !_running.IsCompleted)
        {
            return;
        }

        // One at a time: the first namespace under pressure not captured within the repeat interval.
        Verdict verdict = report.Verdict;
        if (IsPressure(verdict.Host) && TryStart(NamespaceNames.Host, report.Reading.Namespaces?.HostInode, null, verdict.Host, options,
                report.Reading.Namespaces is { } namespaces ? (namespaces.HostAddresses, AddressOwners.Claimants(namespaces.Others)) : (null, [])))
        {
            return;
        }

        for (int i = 0; i < verdict.Others.Count; i++)
        {
            NamespaceDecision other = verdict.Others[i];
            // An unprivileged user's namespace is not acted on: its owner could set off a dump of its table at will.
            if (other.IsActedOn && IsPressure(other.Decision) && other.Namespace.Place is { } place
                && TryStart(other.Namespace.Name, other.Namespace.Inode, place, other.Decision, options, null))
            {
                return;
            }
        }
    }

    /// <summary>Namespaces whose last capture is remembered, to hold back the next within the repeat interval.</summary>
    internal int RememberedCaptures => _lastCapture.Count;

    public void Dispose() => _running.Wait(TimeSpan.FromSeconds(5));

    // The mark reached, drops, or a raise refused: the moments an admin asks "what is in it?".
    private static bool IsPressure(in RaiseDecision decision) =>
        decision.Trigger is RaiseTrigger.HighWaterMark or RaiseTrigger.KernelDrops
        || decision.Kind is DecisionKind.RefusedAtCeiling or DecisionKind.RefusedNoCeiling;

    // claimants: the host's table only, its own addresses and the namespaces' that attribute its entries, taken now
    // (the reading's items are refilled at the next poll, while the capture runs on; the addresses do not change).
    private bool TryStart(string name, long? inode, NamespacePlace? place, RaiseDecision decision, ConntrackOptions options,
        (NamespaceAddresses? Host, List<(AddressOwner Owner, NamespaceAddresses Addresses)> Others)? claimants)
    {
        string key = place?.EntryPath ?? NamespaceNames.Host;
        long now = time.GetTimestamp();
        if (_lastCapture.TryGetValue(key, out long last) && time.GetElapsedTime(last, now) < options.AlarmRepeatInterval)
        {
            return false;
        }

        // Namespaces captured longer ago than the interval hold nothing back any more: forgotten, so that vanished
        // ones leave nothing behind (this runs only when a capture starts).
        foreach (string old in _lastCapture.Where(pair => time.GetElapsedTime(pair.Value, now) >= options.AlarmRepeatInterval).Select(pair => pair.Key).ToList())
        {
            _lastCapture.Remove(old);
        }

        _lastCapture[key] = now;
        string why = Why(decision);
        string procRoot = options.ProcRoot;
        int top = options.BreakdownTop;
        _running = Task.Factory.StartNew(
            () => Capture(name, inode, place, procRoot, top, why, claimants),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        return true;
    }

    private void Capture(string name, long? inode, NamespacePlace? place, string procRoot, int top, string why,
        (NamespaceAddresses? Host, List<(AddressOwner Owner, NamespaceAddresses Addresses)> Others)? claimants)
    {
        AddressOwners? owners = claimants is not { } known
            ? null
            : AddressOwners.From(AddressOwners.Own(inode, isHost: true), known.Host ?? AddressReader.ReadOnce(Path.Combine(procRoot, "net")), known.Others);
        KernelResult<TableBreakdown> read = TableBreakdownReader.Read(place, procRoot, top, owners);
        using IDisposable? scope = place is null
            ? null
            : logger.BeginScope(new KeyValuePair<string, object?>[] { new("NetnsName", name), new("NetnsInode", inode) });
        if (read.Value is not { } table)
        {
            LogFailed(name, read.Path, read.Detail, why);
            return;
        }

        double unreplied = table.Entries > 0 ? Math.Round(100.0 * table.Unreplied / table.Entries, 1) : 0;
        IReadOnlyList<string> advice = BreakdownAdvice.For(table);
        LogCaptured(name, why, table.Entries, unreplied, BreakdownLine.Join(table.Owners), Join(table.Sources), Join(table.Destinations),
            Join(table.Protocols), Join(table.TcpStates), Join(table.UnrepliedUdpPorts), advice.Count > 0 ? string.Join(" ", advice) : "none", table.Seconds);
    }

    private static string Why(in RaiseDecision decision) => decision.Trigger switch
    {
        RaiseTrigger.HighWaterMark => "reaching the high-water mark",
        RaiseTrigger.KernelDrops => "the kernel dropping packets",
        _ => "a raise refused at the memory ceiling",
    };

    private static string Join(IReadOnlyList<BreakdownLine> lines) => BreakdownLine.Join(lines);

    [LoggerMessage(EventId = LogEvents.BreakdownCaptured, Level = LogLevel.Warning,
        Message = "Who fills the table of {NamespaceName}, on {Trigger}: {Entries} entries, {UnrepliedPercent}% unreplied. Owners: {TopOwners}. Top sources: {TopSources}. Top destinations: {TopDestinations}. Protocols: {Protocols}. TCP states: {TcpStates}. Unreplied UDP by port: {UnrepliedUdpPorts}. Advice: {Advice} (read in {Seconds:0.###} s)")]
    private partial void LogCaptured(string namespaceName, string trigger, long entries, double unrepliedPercent, string topOwners, string topSources,
        string topDestinations, string protocols, string tcpStates, string unrepliedUdpPorts, string advice, double seconds);

    [LoggerMessage(EventId = LogEvents.BreakdownFailed, Level = LogLevel.Warning,
        Message = "Cannot break down the table of {NamespaceName} on {Trigger}: {Path}: {Problem}. Run `conntrackwatch status --top` as root to see it")]
    private partial void LogFailed(string namespaceName, string path, string? problem, string trigger);
}
