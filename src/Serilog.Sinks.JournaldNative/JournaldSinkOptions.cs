namespace Serilog.Sinks.JournaldNative;

public sealed class JournaldSinkOptions
{
    public const string DefaultSocketPath = "/run/systemd/journal/socket";

    /// <summary>journald's native socket; a journal namespace NAME listens on /run/systemd/journal.NAME/socket.</summary>
    public string SocketPath { get; set; } = DefaultSocketPath;

    /// <summary>SYSLOG_IDENTIFIER of every entry: what <c>journalctl -t</c> selects.</summary>
    public string SyslogIdentifier { get; set; } = AppDomain.CurrentDomain.FriendlyName;

    /// <summary>Events waiting to be sent; beyond this the oldest are dropped, counted and reported.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Warning-and-above events kept while journald is unavailable, delivered in order once it is back.</summary>
    public int PendingCapacity { get; set; } = 10_000;

    /// <summary>How often a journald outage is retried while nothing new is logged.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where events go at once while journald is unavailable; standard error by default.</summary>
    public TextWriter? Fallback { get; set; }

    /// <summary>
    /// How an event is written to <see cref="Fallback"/>: it must keep one event to one line. By default the
    /// timestamp, the level and the message, with control characters escaped.
    /// </summary>
    public Serilog.Formatting.ITextFormatter? FallbackFormatter { get; set; }

    public IFormatProvider? FormatProvider { get; set; }
}
