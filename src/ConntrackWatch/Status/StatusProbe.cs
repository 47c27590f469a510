using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Breakdown;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;
using ConntrackWatch.Service;

namespace ConntrackWatch.Status;

/// <summary>
/// Reads conntrack with the daemon's reader and decides with the daemon's policy, for a person or a monitoring
/// system: whatever <c>status</c> says is what the daemon would do now. Its window is thrown away afterwards.
/// </summary>
internal sealed class StatusProbe(ConntrackOptions options, TimeProvider time) : IDisposable
{
    /// <summary>At or above this fill level the state is critical whatever the decision.</summary>
    public const double CriticalPercent = 90.0;

    /// <summary>With --trend: this many readings, <see cref="TrendSpacing"/> apart.</summary>
    public const int TrendSamples = 3;

    public static readonly TimeSpan TrendSpacing = TimeSpan.FromSeconds(1);

    /// <summary>
    /// With --top over every namespace: no table is begun after this. Each dump walks the kernel's one hash table,
    /// shared by every namespace, so a thousand namespaces beside one large table take minutes.
    /// </summary>
    public static readonly TimeSpan TopTimeLimit = TimeSpan.FromSeconds(30);

    private readonly KernelReader _reader = new(time);

    /// <summary>One reading; with <paramref name="trend"/>, several, so that growth and drops between them count.</summary>
    /// <param name="top">Also break each namespace's table down by who fills it.</param>
    /// <param name="only">With <paramref name="top"/>: only the namespace of this name (or inode).</param>
    public async Task<StatusReport> ProbeAsync(bool trend, CancellationToken cancellationToken, bool top = false, string? only = null)
    {
        int readings = trend ? TrendSamples : 1;
        var windows = new NamespaceWindows(Math.Max(2, readings));
        KernelReading reading = _reader.Read(options.Reading);
        KernelResult<ConntrackCounters> firstCounters = reading.Counters;
        Dictionary<FileIdentity, ConntrackCounters> firstNamespaces = readings > 2
            ? (reading.Namespaces?.Others ?? []).ToDictionary(n => n.Key, n => n.Counters) // the watcher's list is refilled at the next reading
            : [];
        for (int i = 1; ; i++)
        {
            if (!reading.IsComplete)
            {
                return Unknown(reading);
            }

            // Drops between any two readings count, as they would for the daemon, which raises at the poll after
            // them: a reading between the first and the last is given the first's drop counters, so the last
            // decision sees every drop since the first.
            KernelReading sampled = i > 1 && i < readings ? WithDropCountersOf(reading, firstCounters, firstNamespaces) : reading;
            Verdict verdict = windows.AddAndDecide(sampled, MonotonicSeconds.Now(time), options.Policy);
            if (i == readings)
            {
                StatusReport report = Report(reading, verdict, trend);
                if (!top)
                {
                    return report;
                }

                List<StatusBreakdown> breakdowns = Breakdowns(reading, only, out string? notFound, out string? leftOut);
                // A namespace asked for by name that is not there: nothing was said of it, so the state is unknown.
                return notFound is null
                    ? report with { Breakdowns = breakdowns, BreakdownsLeftOut = leftOut }
                    : report with { Breakdowns = breakdowns, State = "unknown", ExitCode = (int)StatusState.Unknown, Problem = notFound };
            }

            await Task.Delay(TrendSpacing, time, cancellationToken).ConfigureAwait(false);
            reading = _reader.Read(options.Reading);
        }
    }

    public void Dispose() => _reader.Dispose();

    private static KernelReading WithDropCountersOf(
        in KernelReading reading, KernelResult<ConntrackCounters> host, Dictionary<FileIdentity, ConntrackCounters> namespaces) =>
        reading with
        {
            Counters = host,
            Namespaces = reading.Namespaces is { } set
                ? set with { Others = [.. set.Others.Select(n => namespaces.TryGetValue(n.Key, out ConntrackCounters first) ? n with { Counters = first } : n)] }
                : null,
        };

    // The host's table and each other namespace's, read now (the namespace list is this reading's). Over every
    // namespace, one with no entries is not read (its dump would still walk the shared hash table), nor any after
    // the time limit; what was left out is said. A namespace asked for by name is read whatever it holds.
    private List<StatusBreakdown> Breakdowns(in KernelReading reading, string? only, out string? notFound, out string? leftOut)
    {
        notFound = null;
        leftOut = null;
        long start = time.GetTimestamp();
        int empty = 0, late = 0;
        var breakdowns = new List<StatusBreakdown>();
        long? hostInode = reading.Namespaces?.HostInode;
        if (Wanted(NamespaceNames.Host, hostInode))
        {
            // The host's table holds its containers' and pods' traffic, routed and NATed here: attributed by address.
            // Its addresses as the reading's scan read them; read once here where no namespace is watched.
            AddressOwners owners = AddressOwners.From(AddressOwners.Own(hostInode, reading.Namespaces?.IsHost ?? true),
                reading.Namespaces?.HostAddresses ?? AddressReader.ReadOnce(Path.Combine(options.ProcRoot, "net")),
                AddressOwners.Claimants(reading.Namespaces?.Others ?? []));
            breakdowns.Add(StatusBreakdown.From(NamespaceNames.Host, hostInode, TableBreakdownReader.Read(null, options.ProcRoot, options.BreakdownTop, owners)));
        }

        foreach (NamespaceReading other in reading.Namespaces?.Others ?? [])
        {
            if (other.Place is not { } place || !Wanted(other.Name, other.Inode))
            {
                continue;
            }

            if (only is null && other.IsOk && other.Count == 0)
            {
                empty++;
            }
            else if (only is null && time.GetElapsedTime(start) >= TopTimeLimit)
            {
                late++;
            }
            else
            {
                breakdowns.Add(StatusBreakdown.From(other.Name, other.Inode, TableBreakdownReader.Read(place, options.ProcRoot, options.BreakdownTop)));
            }
        }

        var said = new List<string>(2);
        if (empty > 0)
        {
            said.Add($"{empty} namespaces with no entries");
        }

        if (late > 0)
        {
            said.Add($"{late} more, as status --top begins no table after {TopTimeLimit.TotalSeconds:0} s (name one with --namespace)");
        }

        leftOut = said.Count > 0 ? string.Join("; ", said) : null;

        if (breakdowns.Count == 0 && only is not null)
        {
            string known = string.Join(", ", (reading.Namespaces?.Others ?? []).Select(n => n.Name).Prepend(NamespaceNames.Host));
            notFound = $"no namespace is named {only}; status lists: {known}";
            breakdowns.Add(new StatusBreakdown(only, null, null, [], notFound));
        }

        return breakdowns;

        bool Wanted(string name, long? inode) =>
            only is null || only == name || (inode is { } number && only == number.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The state follows the decision: a raise due is a warning; a raise due but refused, or a table at least 90%
    /// full, is critical; otherwise ok.
    /// </summary>
    public static StatusState StateOf(in RaiseDecision decision) =>
        decision.Kind is DecisionKind.RefusedAtCeiling or DecisionKind.RefusedNoCeiling || decision.Percent >= CriticalPercent
            ? StatusState.Critical
            : decision.Kind == DecisionKind.Raise ? StatusState.Warning : StatusState.Ok;

    /// <summary>
    /// The worst state of any namespace's decision, each judged as the host's is; a namespace an unprivileged
    /// user owns counts only with Conntrack:RaiseFor=All, as it raises only then: its owner could make it critical at will.
    /// </summary>
    public static StatusState StateOf(in Verdict verdict)
    {
        StatusState worst = StateOf(verdict.Host);
        foreach (NamespaceDecision other in verdict.Others)
        {
            if (other.IsActedOn)
            {
                worst = (StatusState)Math.Max((int)worst, (int)StateOf(other.Decision));
            }
        }

        return worst;
    }

    private StatusReport Report(in KernelReading reading, in Verdict verdict, bool trend)
    {
        StatusState state = StateOf(verdict);
        RaiseDecision host = verdict.Host;
        MemoryCeiling? ceiling = reading.Ceiling.Value;
        ConntrackCounters? counters = reading.Counters.IsOk ? reading.Counters.Value : null;
        Trend growth = host.Trend;
        LearnedMax? learned = Learned();
        StatusReport report = Base(reading, state) with
        {
            Count = host.Count,
            Max = host.CurrentMax,
            Percent = Math.Round(host.Percent, 2),
            HighWaterMark = host.HighWaterMark,
            Decision = StatusDecision.From(verdict.Decision),
            MemoryCeiling = ceiling?.Entries,
            MemTotalBytes = ceiling?.MemTotalBytes,
            BytesPerEntry = ceiling?.BytesPerEntry,
            BytesPerEntrySource = ceiling?.BytesPerEntrySource,
            CeilingProblem = reading.Ceiling.Fault?.ToString(),
            Buckets = reading.Buckets.IsOk ? reading.Buckets.Value : null,
            CountersSource = reading.Counters.Path,
            Drop = counters?.Drop,
            EarlyDrop = counters?.EarlyDrop,
            InsertFailed = counters?.InsertFailed,
            ChainTooLong = counters?.ChainTooLong,
            CountersProblem = reading.Counters.Fault is { } fault ? fault.Detail : null,
            GrowthPerSecond = trend ? Math.Round(growth.GrowthPerSecond, 2) : null,
            SecondsToHighWaterMark = trend && growth.IsGrowing ? Math.Round(growth.SecondsToMark!.Value) : null,
            SecondsToFull = trend && growth.IsGrowing ? Math.Round(growth.SecondsToFull!.Value) : null,
            LearnedMax = learned?.Max,
            MaxLowered = learned is { } known ? host.CurrentMax < known.Max : null,
            MaxWriters = MaxWriters.Find(options.HostRoot, options.ProcRoot),
        };
        return reading.Namespaces is { } set ? StatusNamespaces.AddTo(report, set, verdict, counters?.TableFull) : report;
    }

    private StatusReport Unknown(in KernelReading reading) => Base(reading, StatusState.Unknown) with
    {
        Problem = reading.Fault?.ToString() ?? reading.Absence,
    };

    // The daemon's state file, read as the daemon reads it at start (the same checks of directory and file).
    private LearnedMax? Learned() => LearnedMaxStore.Read(options.StateDirectory, out _, out _);

    private StatusReport Base(in KernelReading reading, StatusState state) => new()
    {
        State = state.ToString().ToLowerInvariant(),
        ExitCode = (int)state,
        Layout = reading.Layout?.Name,
        MaxPath = reading.Layout?.MaxPath,
        CountSource = options.CountSource.ToString(),
        CountPath = reading.Layout is { } layout ? ConntrackReader.DescribeSource(layout, options.CountSource) : null,
        HighWaterPercent = options.HighWaterPercent,
        MemoryCeilingPercent = options.MemoryCeilingPercent,
    };
}
