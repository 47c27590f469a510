namespace ConntrackWatch.Kernel.Netlink;

/// <summary>What every reply to one request carries: its sequence number, and the requesting socket's port id.</summary>
/// <param name="Port">The socket's port id (getsockname); 0 where unknown, then not checked.</param>
internal readonly record struct NetlinkReply(uint Sequence, uint Port);
