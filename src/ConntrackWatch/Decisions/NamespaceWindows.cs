using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Decisions;

/// <summary>
/// One sample window per network namespace (the host's and each other one), fed from each complete reading, and
/// the decision over all of them: the policy judges every namespace against the one global maximum, with the
/// memory the others use taken from the ceiling, and the daemon acts for the fullest namespace that has evidence.
/// The windows of vanished namespaces are dropped. The daemon keeps one instance; <c>status</c> a throwaway one.
/// A steady-state poll allocates nothing. Not thread-safe.
/// </summary>
/// <param name="spacingSeconds">How coarse each window is (<see cref="SampleWindow.SpacingFor"/>); 0: every poll kept.</param>
internal sealed class NamespaceWindows(int capacity, double spacingSeconds = 0)
{
    private readonly Dictionary<FileIdentity, (SampleWindow Window, long Seen)> _others = [];
    private readonly RefilledList<NamespaceDecision> _decisions = new();
    private readonly List<NamespaceDecision> _unsorted = [];
    private long[] _order = [];
    private int[] _places = [];
    private SampleWindow _host = new(capacity, spacingSeconds);
    private long _generation;

    public int Capacity => _host.Capacity;

    /// <summary>The host namespace's window.</summary>
    public SampleWindow Host => _host;

    /// <summary>Keeps the newest samples of every window in windows of another capacity or spacing.</summary>
    public void Resize(int newCapacity, double newSpacingSeconds = 0)
    {
        if (newCapacity == _host.Capacity && newSpacingSeconds == _host.SpacingSeconds)
        {
            return;
        }

        _host = _host.Resize(newCapacity, newSpacingSeconds);
        foreach (FileIdentity key in _others.Keys.ToList())
        {
            (SampleWindow window, long seen) = _others[key];
            _others[key] = (window.Resize(newCapacity, newSpacingSeconds), seen);
        }
    }

    /// <summary>Adds a complete <paramref name="reading"/>'s samples, taken at <paramref name="seconds"/>, and decides.</summary>
    public Verdict AddAndDecide(in KernelReading reading, double seconds, PolicySettings settings)
    {
        _generation++;
        long max = reading.Max.Value;
        _host.Add(Sample.Of(reading, seconds));
        long total = reading.Namespaces?.TotalWith(reading.Count.Value) ?? reading.Count.Value;
        long? ceiling = reading.Ceiling.Value?.Entries;
        RaiseDecision host = ThresholdPolicy.Decide(_host, settings, ceiling, total - reading.Count.Value);

        _decisions.Refill();
        _unsorted.Clear();
        if (reading.Namespaces is not { } namespaces)
        {
            return Verdict.HostOnly(host);
        }

        RaiseDecision chosen = host;
        NamespaceDecision? fullest = null;
        long fullestCount = reading.Count.Value;
        for (int i = 0; i < namespaces.Others.Count; i++)
        {
            NamespaceReading other = namespaces.Others[i];
            if (!other.IsOk)
            {
                continue;
            }

            SampleWindow window = WindowOf(other.Key);
            window.Add(new Sample(seconds, other.Count, max, other.Counters.TableFull));
            bool actedOn = other.Owner == NamespaceOwner.System || settings.RaiseFor == RaiseFor.All;
            var decision = new NamespaceDecision(other, ThresholdPolicy.Decide(window, settings, ceiling, total - other.Count, other), actedOn);
            _unsorted.Add(decision);
            if (other.Count > fullestCount)
            {
                fullest = decision;
                fullestCount = other.Count;
            }

            // Evidence anywhere the host governs raises the one global max; the fullest namespace with evidence
            // speaks for it. An unprivileged user's namespace does not: its owner fills it at will.
            if (actedOn && decision.Decision.Trigger != RaiseTrigger.None
                && (chosen.Trigger == RaiseTrigger.None || decision.Decision.Count > chosen.Count))
            {
                chosen = decision.Decision;
            }
        }

        DropVanished();
        SortFullestFirst();
        return new Verdict(chosen, host, _decisions.Items, total, fullest);
    }

    // The counts are sorted with each decision's place, then the decisions copied in that order: a decision is a
    // large struct, and moving it once costs less than moving it at every swap of a sort, at every poll.
    private void SortFullestFirst()
    {
        int count = _unsorted.Count;
        if (_order.Length < count)
        {
            _order = new long[count];
            _places = new int[count];
        }

        for (int i = 0; i < count; i++)
        {
            _order[i] = -_unsorted[i].Decision.Count;
            _places[i] = i;
        }

        Array.Sort(_order, _places, 0, count);
        for (int i = 0; i < count; i++)
        {
            _decisions.Add(_unsorted[_places[i]]);
        }
    }

    private SampleWindow WindowOf(FileIdentity key)
    {
        if (!_others.TryGetValue(key, out var entry))
        {
            entry = (new SampleWindow(_host.Capacity, _host.SpacingSeconds), 0);
        }

        _others[key] = (entry.Window, _generation);
        return entry.Window;
    }

    private void DropVanished()
    {
        if (_others.Count == _unsorted.Count)
        {
            return;
        }

        foreach (FileIdentity key in _others.Where(pair => pair.Value.Seen != _generation).Select(pair => pair.Key).ToList())
        {
            _others.Remove(key);
        }
    }
}
