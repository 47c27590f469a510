namespace Serilog.Sinks.JournaldNative.Transport;

internal enum SendOutcome
{
    Sent,

    /// <summary>journald is not there or not taking entries (socket missing, refused, full): try again later.</summary>
    Unavailable,

    /// <summary>This entry cannot be sent however often it is tried (no memfd could carry it).</summary>
    Rejected,
}
