using System.Net.Sockets;
using System.Text;

namespace ConntrackWatch.Tests.Support;

/// <summary>Stands where systemd's notification socket would: receives sd_notify datagrams.</summary>
public sealed class NotifySocket : IDisposable
{
    private readonly TempDirectory? _directory;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    /// <param name="abstractName">Bind in the abstract namespace (NOTIFY_SOCKET=@name) rather than a file.</param>
    public NotifySocket(bool abstractName = false)
    {
        if (abstractName)
        {
            string name = $"conntrackwatch-test-{Guid.NewGuid():N}";
            _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
            EnvironmentValue = "@" + name;
        }
        else
        {
            _directory = new TempDirectory();
            EnvironmentValue = _directory.Combine("notify");
            _socket.Bind(new UnixDomainSocketEndPoint(EnvironmentValue));
        }
    }

    /// <summary>What NOTIFY_SOCKET holds for this socket.</summary>
    public string EnvironmentValue { get; }

    /// <summary>The next message, or fails after <paramref name="timeout"/>.</summary>
    public string Receive(TimeSpan? timeout = null)
    {
        Assert.True(_socket.Poll(timeout ?? TimeSpan.FromSeconds(20), SelectMode.SelectRead), "no sd_notify message arrived");
        byte[] buffer = new byte[4096];
        int length = _socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Messages until one contains <paramref name="text"/>; fails when none does in time.</summary>
    public string ReceiveUntil(string text, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var seen = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            if (!_socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
            {
                continue;
            }

            string message = Receive();
            if (message.Contains(text, StringComparison.Ordinal))
            {
                return message;
            }

            seen.Add(message);
        }

        Assert.Fail($"No sd_notify message with '{text}'. Received:\n{string.Join("\n---\n", seen)}");
        return string.Empty;
    }

    /// <summary>Waits for <paramref name="count"/> STATUS= lines, one per completed poll.</summary>
    public void ReceivePolls(int count)
    {
        for (int received = 0; received < count;)
        {
            if (Receive().Contains("STATUS=", StringComparison.Ordinal))
            {
                received++;
            }
        }
    }

    /// <summary>Lets any user send to this socket, e.g. a daemon run as nobody.</summary>
    public NotifySocket OpenToEveryone()
    {
        File.SetUnixFileMode(Path.GetDirectoryName(EnvironmentValue)!, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(EnvironmentValue, (UnixFileMode)0b110_110_110);
        return this;
    }

    public bool HasMessage(TimeSpan wait) => _socket.Poll(wait, SelectMode.SelectRead);

    public void Dispose()
    {
        _socket.Dispose();
        _directory?.Dispose();
    }
}
