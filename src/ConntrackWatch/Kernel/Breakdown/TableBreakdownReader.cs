using System.Diagnostics;
using System.Globalization;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel.Netlink;

namespace ConntrackWatch.Kernel.Breakdown;

/// <summary>
/// Reads one network namespace's whole conntrack table over ctnetlink, as `conntrack -L` does (CAP_NET_ADMIN), and
/// aggregates it as it streams: the table is never held, whatever its size. Another namespace's table is read
/// through a socket opened inside it (CAP_SYS_ADMIN). Where netlink is refused, the table file is read instead;
/// a proc root other than /proc (a test tree) is read from its files only. A reading that takes longer than its
/// limit is given up.
/// </summary>
internal static class TableBreakdownReader
{
    public const string SourceName = "ctnetlink";

    /// <summary>Entries per line list: the top this many.</summary>
    public const int DefaultTop = 10;

    /// <summary>Reading 1,000,000 entries takes about a second; a dump this long is not a table to wait on.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);

    /// <param name="place">The namespace to read: null for the host's (the caller's own).</param>
    /// <param name="owners">Who owns each address, to attribute each entry to a namespace; null: not attributed.</param>
    public static KernelResult<TableBreakdown> Read(NamespacePlace? place, string procRoot, int top = DefaultTop, AddressOwners? owners = null)
    {
        string? tableFile = place is null ? Path.Combine(procRoot, "net/nf_conntrack") : place.TableFile;
        if (!ProcMount.IsKernel(procRoot))
        {
            return tableFile is null
                ? KernelResult.Fault(ReadStatus.Missing, place!.EntryPath, "a namespace without a process has no table file to read")
                : TableFileReader.Read(tableFile, new TableBreakdownBuilder(EstablishedTimeout(place?.EntryPath, procRoot), owners), top);
        }

        KernelResult<TableBreakdown> netlink = ReadNetlink(place?.EntryPath, procRoot, top, owners);
        if (netlink.IsOk || netlink.Status != ReadStatus.Denied || tableFile is null)
        {
            return netlink;
        }

        KernelResult<TableBreakdown> file = TableFileReader.Read(tableFile, new TableBreakdownBuilder(EstablishedTimeout(place?.EntryPath, procRoot), owners), top);
        return file.IsOk ? file : KernelResult.Fault(netlink.Status, $"{SourceName}, then {tableFile}", $"{netlink.Detail}; {file.Detail}");
    }

    private static KernelResult<TableBreakdown> ReadNetlink(string? namespacePath, string procRoot, int top, AddressOwners? owners)
    {
        long start = Stopwatch.GetTimestamp();
        NetlinkSocket? socket;
        int errno = 0;
        string? problem = null;
        if (namespacePath is null)
        {
            socket = NetlinkSocket.Open(CtnetlinkStatsMessage.NetlinkNetfilter, ReceiveTimeout, out errno);
        }
        else
        {
            socket = NamespaceEntry.OpenInside(namespacePath, OpenSocket, out problem);
        }

        if (socket is null)
        {
            return problem is not null
                ? KernelResult.Fault(ReadStatus.Denied, namespacePath!, problem)
                : Fault(errno, "cannot open a NETLINK_NETFILTER socket");
        }

        using (socket)
        {
            var builder = new TableBreakdownBuilder(EstablishedTimeout(namespacePath, procRoot), owners);
            byte[] request = new byte[CtnetlinkDumpMessage.RequestLength];
            CtnetlinkDumpMessage.WriteRequest(request, 1);
            if (!socket.Send(request, out errno))
            {
                return Fault(errno, "cannot send the dump request");
            }

            var expected = new NetlinkReply(1, socket.Port); // the socket is bound by the send

            long deadline = start + (long)(TimeLimit.TotalSeconds * Stopwatch.Frequency);
            using var receiver = new PipelinedReceiver(socket);
            foreach (PipelinedReceiver.Datagram datagram in receiver.Datagrams)
            {
                if (datagram.Length < 0)
                {
                    return Fault(datagram.Errno, $"the dump stopped after {builder.Entries} entries");
                }

                DumpOutcome outcome = CtnetlinkDumpMessage.Parse(datagram.Buffer.AsSpan(0, datagram.Length), builder, out errno, out string? malformed, expected);
                receiver.Return(datagram.Buffer);
                switch (outcome)
                {
                    case DumpOutcome.Done:
                        return KernelResult.Ok(SourceName, builder.Build(top, SourceName, Stopwatch.GetElapsedTime(start).TotalSeconds));
                    case DumpOutcome.Error:
                        return Fault(errno, "the kernel refused IPCTNL_MSG_CT_GET");
                    case DumpOutcome.Malformed:
                        return KernelResult.Fault(ReadStatus.Malformed, SourceName, $"the kernel's answer is not what ctnetlink sends: {malformed}");
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return KernelResult.Fault(ReadStatus.Failed, SourceName, string.Create(CultureInfo.InvariantCulture,
                        $"the dump took longer than {TimeLimit.TotalSeconds:0} s ({builder.Entries} entries so far), so it was given up"));
                }
            }

            return KernelResult.Fault(ReadStatus.Failed, SourceName, $"the dump ended without NLMSG_DONE after {builder.Entries} entries");
        }
    }

    private static NetlinkSocket? OpenSocket(out string? problem)
    {
        NetlinkSocket? socket = NetlinkSocket.Open(CtnetlinkStatsMessage.NetlinkNetfilter, ReceiveTimeout, out int errno);
        problem = socket is null ? $"cannot open a NETLINK_NETFILTER socket inside it: {NetlinkSocket.Describe(errno)}" : null;
        return socket;
    }

    // nf_conntrack_tcp_timeout_established is per namespace: another namespace's is read from inside it (a sysctl
    // file shows the namespace of whoever opened it), a test tree's from the tree.
    private static long? EstablishedTimeout(string? namespacePath, string procRoot)
    {
        const string Sysctl = "sys/net/netfilter/nf_conntrack_tcp_timeout_established";
        string? text = namespacePath is null || !ProcMount.IsKernel(procRoot)
            ? KernelFile.TryReadText(Path.Combine(procRoot, Sysctl), out _)
            : NamespaceEntry.OpenInside(namespacePath, (out string? problem) => KernelFile.TryReadText(Path.Combine(procRoot, Sysctl), out problem), out _);
        return long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) ? seconds : null;
    }

    private static KernelFault Fault(int errno, string what) => KernelResult.Fault(
        errno is Posix.Eperm or Posix.Eacces ? ReadStatus.Denied : ReadStatus.Failed,
        SourceName,
        $"{what}: {NetlinkSocket.Describe(errno)}{(errno is Posix.Eperm or Posix.Eacces ? "; dumping the conntrack table needs CAP_NET_ADMIN" : string.Empty)}");
}
