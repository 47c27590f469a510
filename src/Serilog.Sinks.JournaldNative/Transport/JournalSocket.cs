using System.Net.Sockets;
using System.Runtime.InteropServices;
using Serilog.Sinks.JournaldNative.Native;

namespace Serilog.Sinks.JournaldNative.Transport;

/// <summary>
/// Sends entries to journald's native socket, one datagram each. An entry larger than a datagram can be
/// (EMSGSIZE, ENOBUFS) goes the way libsystemd sends it: written to a sealed memfd whose descriptor is passed with
/// SCM_RIGHTS. Not thread-safe: one sending thread.
/// </summary>
internal sealed class JournalSocket(string socketPath) : IDisposable
{
    /// <summary>What libsystemd asks for; the kernel caps SO_SNDBUF at net.core.wmem_max unless forced.</summary>
    public const int SendBufferBytes = 8 * 1024 * 1024;

    private readonly UnixDomainSocketEndPoint _endPoint = new(socketPath);
    private Socket? _socket;

    public string SocketPath { get; } = socketPath;

    public SendResult Send(ReadOnlySpan<byte> entry)
    {
        Socket socket = _socket ??= Open();
        try
        {
            socket.SendTo(entry, SocketFlags.None, _endPoint);
            return SendResult.Sent(viaMemfd: false);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize or SocketError.NoBufferSpaceAvailable)
        {
            return SendViaMemfd(socket, entry);
        }
        catch (SocketException e)
        {
            return SendResult.Unavailable($"{SocketPath}: {e.Message}");
        }
    }

    public void Dispose() => _socket?.Dispose();

    private static Socket Open()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified)
        {
            // A stalled journald must not hold the sending thread for long; the entry is kept for later instead.
            SendTimeout = 1000,
        };
        try
        {
            // Beyond net.core.wmem_max only with CAP_NET_ADMIN, as libsystemd does.
            socket.SetRawSocketOption(Libc.SolSocket, Libc.SoSndbufForce, BitConverter.GetBytes(SendBufferBytes));
        }
        catch (SocketException)
        {
            try
            {
                socket.SendBufferSize = SendBufferBytes;
            }
            catch (SocketException)
            {
                // Keep the default; large entries take the memfd path.
            }
        }

        return socket;
    }

    private unsafe SendResult SendViaMemfd(Socket socket, ReadOnlySpan<byte> entry)
    {
        int memfd = Libc.MemfdCreate("journal-data", Libc.MfdCloexec | Libc.MfdAllowSealing);
        if (memfd < 0)
        {
            return SendResult.Rejected($"memfd_create failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            fixed (byte* data = entry)
            {
                for (int written = 0; written < entry.Length;)
                {
                    nint n = Libc.Write(memfd, data + written, (nuint)(entry.Length - written));
                    if (n < 0)
                    {
                        return Failure("write to memfd", rejected: true);
                    }

                    written += (int)n;
                }
            }

            // journald takes a memfd only when it can no longer change under it.
            if (Libc.Fcntl(memfd, Libc.FAddSeals, Libc.FSealSeal | Libc.FSealShrink | Libc.FSealGrow | Libc.FSealWrite) < 0)
            {
                return Failure("sealing the memfd", rejected: true);
            }

            return PassDescriptor(socket, memfd);
        }
        finally
        {
            Libc.Close(memfd);
        }
    }

    private unsafe SendResult PassDescriptor(Socket socket, int descriptor)
    {
        byte[] path = System.Text.Encoding.UTF8.GetBytes(SocketPath);
        // struct sockaddr_un: sa_family_t then the NUL-terminated path (108 bytes at most).
        Span<byte> address = stackalloc byte[2 + 108];
        address.Clear();
        if (path.Length >= 108)
        {
            return SendResult.Unavailable($"{SocketPath}: socket path too long");
        }

        BitConverter.TryWriteBytes(address, Libc.AfUnix);
        path.CopyTo(address[2..]);
        var control = new Libc.FileDescriptorMessage
        {
            Length = (nuint)(sizeof(nuint) + (2 * sizeof(int)) + sizeof(int)),
            Level = Libc.SolSocket,
            Type = Libc.ScmRights,
            Descriptor = descriptor,
        };

        fixed (byte* name = address)
        {
            var message = new Libc.MessageHeader
            {
                Name = name,
                NameLength = (uint)(2 + path.Length + 1),
                Control = &control,
                ControlLength = (nuint)sizeof(Libc.FileDescriptorMessage),
            };

            bool added = false;
            socket.SafeHandle.DangerousAddRef(ref added);
            try
            {
                if (Libc.SendMsg(socket.SafeHandle.DangerousGetHandle(), &message, Libc.MsgNoSignal) < 0)
                {
                    return Failure("sendmsg with the memfd");
                }
            }
            finally
            {
                if (added)
                {
                    socket.SafeHandle.DangerousRelease();
                }
            }
        }

        return SendResult.Sent(viaMemfd: true);
    }

    private SendResult Failure(string what, bool rejected = false)
    {
        string error = $"{SocketPath}: {what} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
        return rejected ? SendResult.Rejected(error) : SendResult.Unavailable(error);
    }
}
