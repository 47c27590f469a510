using System.Net;
using System.Net.Sockets;

namespace ConntrackWatch.Systemd;

/// <summary>
/// The per-poll sd_notify(3) datagrams, STATUS= and WATCHDOG=1, over one kept socket to NOTIFY_SOCKET: after the
/// first, a send allocates nothing. Microsoft.Extensions.Hosting.Systemd's notifier (which the host uses for what
/// is sent rarely) opens, connects and closes a socket at each call, allocating, and throws when systemd is gone:
/// at every poll that would break the daemon's 0 B per complete poll and its flat memory over a soak.
/// </summary>
internal sealed class StatusSender : IDisposable
{
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly Lock _gate = new();
    private Socket? _socket;
    private SocketAddress? _address;

    public StatusSender(string? notifySocket)
    {
        if (!string.IsNullOrEmpty(notifySocket))
        {
            // "@name" is an abstract socket: a leading NUL byte in the address.
            _endPoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        }
    }

    public static StatusSender FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    public bool IsEnabled => _endPoint is not null;

    /// <summary>
    /// Sends "KEY=VALUE" lines whose last value, from <paramref name="valueStart"/> on, is made from data (a
    /// namespace's name, a path): refused, and false, when it holds a line feed or a NUL, with which it would end
    /// early or begin an assignment of its own (STOPPING=1, MAINPID=).
    /// </summary>
    public bool Send(ReadOnlySpan<byte> message, int valueStart) =>
        message[valueStart..].IndexOfAny((byte)'\n', (byte)0) < 0 && Send(message);

    /// <summary>Sends "KEY=VALUE" lines already in UTF-8: after the first, a send allocates nothing.</summary>
    public bool Send(ReadOnlySpan<byte> message)
    {
        if (_endPoint is null)
        {
            return false;
        }

        lock (_gate)
        {
            try
            {
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                _address ??= _endPoint.Serialize();
                _socket.SendTo(message, SocketFlags.None, _address);
                return true;
            }
            catch (SocketException)
            {
                // systemd gone or not listening: notifications are advisory, the daemon's work goes on.
                return false;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _socket?.Dispose();
        }
    }
}
