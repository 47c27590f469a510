namespace Serilog.Sinks.JournaldNative.Transport;

public enum SendOutcome
{
    Sent,

    /// <summary>journald is not there or not taking entries (socket missing, refused, full): try again later.</summary>
    Unavailable,
}
