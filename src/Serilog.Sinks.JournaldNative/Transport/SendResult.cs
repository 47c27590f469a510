namespace Serilog.Sinks.JournaldNative.Transport;

/// <param name="ViaMemfd">The entry was too large for a datagram and went as a sealed memfd.</param>
/// <param name="Error">Why it was not sent, for the fallback's notice.</param>
internal readonly record struct SendResult(SendOutcome Outcome, bool ViaMemfd, string? Error)
{
    public static SendResult Sent(bool viaMemfd) => new(SendOutcome.Sent, viaMemfd, null);

    public static SendResult Unavailable(string error) => new(SendOutcome.Unavailable, false, error);

    public static SendResult Rejected(string error) => new(SendOutcome.Rejected, false, error);
}
