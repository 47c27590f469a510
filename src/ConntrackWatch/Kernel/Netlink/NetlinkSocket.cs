using System.Runtime.InteropServices;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// A netlink socket through libc: .NET's Socket does not take AF_NETLINK. Messages go to the kernel (port 0),
/// which is where an unbound, unconnected netlink socket sends. Receives time out so a poll never hangs.
/// </summary>
internal sealed class NetlinkSocket : SafeHandle
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SolSocket = 1;
    private const int SoRcvtimeo = 20;

    public NetlinkSocket()
        : base(-1, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle < 0;

    /// <summary>Opens a socket for <paramref name="protocol"/>, or returns the errno.</summary>
    public static NetlinkSocket? Open(int protocol, TimeSpan receiveTimeout, out int errno)
    {
        int fd = Posix.Socket(AfNetlink, SockRaw | Posix.OpenCloseOnExec, protocol);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        var socket = new NetlinkSocket();
        socket.SetHandle(fd);
        // struct timeval { long tv_sec; long tv_usec; }
        Span<long> timeout = [(long)receiveTimeout.TotalSeconds, receiveTimeout.Microseconds + (receiveTimeout.Milliseconds * 1000L)];
        if (Posix.SetSockOpt(fd, SolSocket, SoRcvtimeo, MemoryMarshal.AsBytes(timeout), 2 * sizeof(long)) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            socket.Dispose();
            return null;
        }

        errno = 0;
        return socket;
    }

    /// <summary>Sends one message; false with the errno on failure.</summary>
    public bool Send(ReadOnlySpan<byte> message, out int errno)
    {
        nint sent = Posix.Send((int)handle, message, (nuint)message.Length, 0);
        errno = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
        return sent == message.Length;
    }

    /// <summary>Receives one datagram into <paramref name="buffer"/>; the length, or -1 with the errno.</summary>
    public int Receive(Span<byte> buffer, out int errno)
    {
        nint received = Posix.Recv((int)handle, buffer, (nuint)buffer.Length, 0);
        errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
        return (int)received;
    }

    /// <summary>
    /// The port id the kernel gave the socket when it first sent (struct sockaddr_nl's nl_pid, by getsockname), which
    /// its replies are addressed to; 0 before, or where it cannot be read.
    /// </summary>
    public uint Port
    {
        get
        {
            Span<byte> address = stackalloc byte[12]; // nl_family, nl_pad, nl_pid, nl_groups
            uint length = (uint)address.Length;
            return Posix.GetSockName((int)handle, address, ref length) == 0 && length >= 8
                ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(address[4..])
                : 0;
        }
    }

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    protected override bool ReleaseHandle() => Posix.Close((int)handle) == 0;
}
