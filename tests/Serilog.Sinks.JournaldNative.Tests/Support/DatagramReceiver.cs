using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Serilog.Sinks.JournaldNative.Tests.Support;

/// <summary>
/// A unix datagram socket bound in a temporary directory, standing where journald's socket would: it receives
/// what the sink sends, including a descriptor passed with SCM_RIGHTS.
/// </summary>
public sealed unsafe partial class DatagramReceiver : IDisposable
{
    private const int FGetSeals = 1034;
    private readonly TempDirectory _directory = new();
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly byte[] _buffer = new byte[32 * 1024 * 1024];

    public DatagramReceiver(string? socketPath = null)
    {
        SocketPath = socketPath ?? _directory.Combine("socket");
        _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _socket.ReceiveTimeout = 10_000;
    }

    public string SocketPath { get; }

    /// <summary>One datagram: its bytes, or the content of the memfd it carried, and that memfd's seals.</summary>
    public Datagram Receive()
    {
        byte* control = stackalloc byte[64];
        fixed (byte* data = _buffer)
        {
            var iov = new IoVec { Base = data, Length = (nuint)_buffer.Length };
            var message = new MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = 64 };
            nint received = RecvMsg(_socket.SafeHandle.DangerousGetHandle(), &message, 0);
            Assert.True(received >= 0, $"recvmsg failed: errno {Marshal.GetLastPInvokeError()}");
            if (message.ControlLength == 0)
            {
                return new Datagram(_buffer.AsSpan(0, (int)received).ToArray(), null, 0);
            }

            // cmsghdr: length, level, type, then the descriptor.
            int descriptor = *(int*)(control + sizeof(nuint) + 8);
            using var handle = new SafeFileHandle(descriptor, ownsHandle: true);
            int seals = Fcntl(descriptor, FGetSeals, 0);
            byte[] content = new byte[RandomAccess.GetLength(handle)];
            int read = 0;
            while (read < content.Length)
            {
                read += RandomAccess.Read(handle, content.AsSpan(read), read);
            }

            return new Datagram(content, (int)received, seals);
        }
    }

    /// <summary>True when a datagram arrives within <paramref name="wait"/>.</summary>
    public bool HasPending(TimeSpan wait) => _socket.Poll(wait, SelectMode.SelectRead);

    public void Dispose()
    {
        _socket.Dispose();
        File.Delete(SocketPath);
        _directory.Dispose();
    }

    /// <param name="MemfdDatagramLength">Null for a plain datagram; else the length of the datagram that carried the memfd.</param>
    public sealed record Datagram(byte[] Bytes, int? MemfdDatagramLength, int Seals);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint RecvMsg(nint socket, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
