using System.Globalization;
using System.Text;
using System.Buffers.Text;
using ConntrackWatch.Configuration;
using ConntrackWatch.Decisions;
using ConntrackWatch.Service;
using Microsoft.Extensions.Hosting.Systemd;
using System.Net.Sockets;

namespace ConntrackWatch.Systemd;

/// <summary>
/// What systemd hears from the daemon beyond the host's lifetime (READY=1 once the services have started, which
/// is after the first poll, and STOPPING=1): a STATUS= line after each poll, RELOADING=1 then READY=1 around a
/// reload, and whether polls are completing, for the watchdog.
/// </summary>
internal sealed class ServiceNotifications(StatusSender sender, ISystemdNotifier systemd, TimeProvider time, ConntrackSettings settings)
    : IPollPublisher
{
    private readonly byte[] _status = new byte[1024];
    private long _lastPollCompleted;
    private bool _ready;

    /// <summary>Whether a poll has been published: the worker's start makes the first, before READY=1.</summary>
    public bool IsReady => Volatile.Read(ref _ready);

    private static ReadOnlySpan<byte> Withheld => "see the journal"u8;

    /// <summary>The STATUS= line of each poll, whether it read conntrack, found it absent or hit a fault it logged.</summary>
    public void Publish(in PollReport report)
    {
        Volatile.Write(ref _lastPollCompleted, time.GetTimestamp());
        ReadOnlySpan<byte> prefix = "STATUS="u8;
        prefix.CopyTo(_status);
        int length = prefix.Length + WriteStatusLine(report, _status.AsSpan(prefix.Length));
        if (!sender.Send(_status.AsSpan(0, length), valueStart: prefix.Length) && sender.IsEnabled)
        {
            // Names are escaped where they enter, so this is a defence in depth: the line still changes.
            Withheld.CopyTo(_status.AsSpan(prefix.Length));
            sender.Send(_status.AsSpan(0, prefix.Length + Withheld.Length));
        }

        Volatile.Write(ref _ready, true);
    }

    /// <summary>Polls are completing: the last one finished within one poll interval plus <paramref name="slack"/>.</summary>
    public bool PollsAreCompleting(TimeSpan slack)
    {
        long last = Volatile.Read(ref _lastPollCompleted);
        return last != 0 && time.GetElapsedTime(last) <= settings.Current.PollInterval + slack;
    }

    public void Reloading() => Notify(new ServiceState(string.Create(CultureInfo.InvariantCulture,
        $"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds()}")));

    public void Reloaded() => Notify(ServiceState.Ready);

    /// <summary>What <c>systemctl status</c> shows while the host stops; its lifetime sends STOPPING=1 itself.</summary>
    public void Stopping() => Notify(new ServiceState("STATUS=stopping"));

    public void Watchdog() => sender.Send("WATCHDOG=1"u8);

    // The package's notifier throws when the socket is gone: notifications are advisory, the daemon's work goes on.
    private void Notify(ServiceState state)
    {
        if (!systemd.IsEnabled)
        {
            return;
        }

        try
        {
            systemd.Notify(state);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>One line with plain integers, for <c>systemctl status</c>.</summary>
    public static string StatusLine(in PollReport report)
    {
        Span<byte> line = stackalloc byte[1024];
        return Encoding.UTF8.GetString(line[..WriteStatusLine(report, line)]);
    }

    /// <summary>The status line in UTF-8 into <paramref name="destination"/> (cut short if it does not fit); its length.</summary>
    /// <remarks>
    /// Written piece by piece with non-generic formatters: nothing is boxed or allocated, even before the JIT has
    /// optimized the code, and a steady-state poll allocates nothing.
    /// </remarks>
    public static int WriteStatusLine(in PollReport report, Span<byte> destination)
    {
        var line = new Utf8Line(destination);
        switch (report.Outcome)
        {
            case PollOutcome.Unavailable:
                line.Add("waiting for conntrack: the nf_conntrack module is not loaded"u8);
                break;
            case PollOutcome.Skipped:
                line.Add("poll skipped: "u8);
                line.Add(report.Problem ?? "see the journal");
                break;
            default:
                RaiseDecision decision = report.Verdict.Host; // the host's line; the fullest namespace follows
                long max = report.MaxAfter;
                line.Add("count "u8);
                line.Add(decision.Count);
                line.Add(" of max "u8);
                line.Add(max);
                line.Add(" ("u8);
                line.AddTenths(ThresholdPolicy.PercentOf(decision.Count, max), keepZeroTenth: true);
                line.Add("%), ceiling "u8);
                if (decision.MemoryCeiling is { } ceiling)
                {
                    line.Add(ceiling);
                }
                else
                {
                    line.Add("unknown"u8);
                }

                if (decision.Trend is { IsGrowing: true } trend)
                {
                    line.Add(", growing "u8);
                    line.AddTenths(trend.GrowthPerSecond, keepZeroTenth: false);
                    line.Add("/s, full in "u8);
                    line.Add((long)Math.Round(trend.SecondsToFull!.Value, MidpointRounding.AwayFromZero));
                    line.Add(" s"u8);
                }

                if (report.Verdict.NamespaceCount > 1)
                {
                    AddNamespaces(ref line, report.Verdict, max);
                }

                break;
        }

        if (line.Length is { } length)
        {
            return length;
        }

        ReadOnlySpan<byte> fallback = "see the journal"u8; // a problem too long for the line (a very long path)
        fallback.CopyTo(destination);
        return fallback.Length;
    }

    // "; fullest: web (ns 4026532177) 700 of 1000 (70.0%); 3 namespaces, 712 entries in all"
    private static void AddNamespaces(ref Utf8Line line, in Verdict verdict, long max)
    {
        line.Add("; fullest: "u8);
        if (verdict.Fullest is { } fullest)
        {
            line.Add(fullest.Namespace.Name);
            if (fullest.Namespace.Inode is { } inode)
            {
                line.Add(" (ns "u8);
                line.Add(inode);
                line.Add(")"u8);
            }
        }
        else
        {
            line.Add("host"u8);
        }

        long count = verdict.FullestCount;
        line.Add(" "u8);
        line.Add(count);
        line.Add(" of "u8);
        line.Add(max);
        line.Add(" ("u8);
        line.AddTenths(ThresholdPolicy.PercentOf(count, max), keepZeroTenth: true);
        line.Add("%); "u8);
        line.Add(verdict.NamespaceCount);
        line.Add(verdict.NamespaceCount == 1 ? " namespace, "u8 : " namespaces, "u8);
        line.Add(verdict.TotalEntries);
        line.Add(" entries in all"u8);
    }

    /// <summary>Appends UTF-8 pieces to a span until one does not fit.</summary>
    private ref struct Utf8Line(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;
        private int _written;
        private bool _fits = true;

        /// <summary>The bytes written; null when something did not fit.</summary>
        public readonly int? Length => _fits ? _written : null;

        public void Add(ReadOnlySpan<byte> text) => Advance(text.TryCopyTo(_destination[_written..]), text.Length);

        public void Add(string text) => Advance(Encoding.UTF8.TryGetBytes(text, _destination[_written..], out int written), written);

        public void Add(long value) => Advance(Utf8Formatter.TryFormat(value, _destination[_written..], out int written), written);

        /// <summary>One decimal, rounded away from zero as "0.0" would; "12.0" as "12" unless <paramref name="keepZeroTenth"/>.</summary>
        public void AddTenths(double value, bool keepZeroTenth)
        {
            long tenths = (long)Math.Round(value * 10, MidpointRounding.AwayFromZero);
            if (tenths < 0)
            {
                Add("-"u8);
                tenths = -tenths;
            }

            Add(tenths / 10);
            if (keepZeroTenth || tenths % 10 != 0)
            {
                Add("."u8);
                Add(tenths % 10);
            }
        }

        private void Advance(bool fits, int written)
        {
            _fits &= fits;
            if (_fits)
            {
                _written += written;
            }
        }
    }

    // CLOCK_MONOTONIC, which systemd compares RELOADING=1 against: .NET's Stopwatch reads it on Linux.
    private static long MonotonicMicroseconds() =>
        (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
}
