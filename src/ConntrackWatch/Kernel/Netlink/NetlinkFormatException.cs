namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// A reply that is not what the kernel sends: an attribute cut short or of the wrong length, a message out of its
/// bounds, a reply to another request or another socket. Thrown where it is found and caught by the parse, which
/// answers it as a malformed reply with this message, never by counting less in silence.
/// </summary>
internal sealed class NetlinkFormatException(string message) : Exception(message);
