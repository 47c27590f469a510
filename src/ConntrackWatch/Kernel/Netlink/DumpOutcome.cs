namespace ConntrackWatch.Kernel.Netlink;

/// <summary>Where a netlink dump stands after one datagram.</summary>
internal enum DumpOutcome
{
    /// <summary>It goes on in the next datagram.</summary>
    More,

    /// <summary>NLMSG_DONE, or an NLMSG_ERROR of 0 (an acknowledgement).</summary>
    Done,

    /// <summary>NLMSG_ERROR with the kernel's errno.</summary>
    Error,

    /// <summary>A message or attribute cut short or out of its bounds, or a reply to another request.</summary>
    Malformed,
}
