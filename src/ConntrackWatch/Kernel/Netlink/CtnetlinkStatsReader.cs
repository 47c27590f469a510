namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// Reads the per-CPU conntrack counters over ctnetlink, as `conntrack -S` does: it works whether or not the kernel
/// has CONFIG_NF_CONNTRACK_PROCFS. Keeps its socket and buffers between polls. Not thread-safe.
/// </summary>
internal sealed class CtnetlinkStatsReader : IDisposable
{
    public const string SourceName = "ctnetlink";

    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(1);

    private readonly byte[] _request = new byte[CtnetlinkStatsMessage.RequestLength];
    private readonly byte[] _buffer = new byte[64 * 1024];
    private NetlinkSocket? _socket;
    private uint _sequence;

    public KernelResult<ConntrackCounters> Read()
    {
        if (_socket is null)
        {
            _socket = NetlinkSocket.Open(CtnetlinkStatsMessage.NetlinkNetfilter, ReceiveTimeout, out int openErrno);
            if (_socket is null)
            {
                return Fault(openErrno, "cannot open a NETLINK_NETFILTER socket");
            }
        }

        var expected = new NetlinkReply(++_sequence, 0);
        CtnetlinkStatsMessage.WriteRequest(_request, expected.Sequence);
        if (!_socket.Send(_request, out int sendErrno))
        {
            return Reset(Fault(sendErrno, "cannot send the request"));
        }

        expected = expected with { Port = _socket.Port }; // bound by the send
        var sum = new CtnetlinkStatsMessage.Accumulator();
        while (true)
        {
            int received = _socket.Receive(_buffer, out int receiveErrno);
            if (received < 0)
            {
                return Reset(Fault(receiveErrno, "no answer from the kernel"));
            }

            switch (CtnetlinkStatsMessage.Parse(_buffer.AsSpan(0, received), ref sum, out int errno, out string? problem, expected))
            {
                case DumpOutcome.Done:
                    return KernelResult.Ok(SourceName, sum.ToCounters());
                case DumpOutcome.Error:
                    return Reset(Fault(errno, "the kernel refused IPCTNL_MSG_CT_GET_STATS_CPU"));
                case DumpOutcome.Malformed:
                    return Reset(KernelResult.Fault(ReadStatus.Malformed, SourceName, $"the kernel's answer is not what ctnetlink sends: {problem}"));
            }
        }
    }

    public void Dispose() => _socket?.Dispose();

    // After a failure the socket may hold the rest of a stale dump: start the next poll on a fresh one.
    private KernelResult<ConntrackCounters> Reset(KernelResult<ConntrackCounters> fault)
    {
        _socket?.Dispose();
        _socket = null;
        return fault;
    }

    private static KernelFault Fault(int errno, string what) => KernelResult.Fault(
        errno is Posix.Eperm or Posix.Eacces ? ReadStatus.Denied : ReadStatus.Failed,
        SourceName,
        $"{what}: {NetlinkSocket.Describe(errno)}{(errno is Posix.Eperm or Posix.Eacces ? "; reading conntrack counters over netlink needs CAP_NET_ADMIN" : string.Empty)}");
}
