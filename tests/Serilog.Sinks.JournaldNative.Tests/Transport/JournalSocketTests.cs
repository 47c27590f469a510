using Serilog.Sinks.JournaldNative.Protocol;
using Serilog.Sinks.JournaldNative.Tests.Support;
using Serilog.Sinks.JournaldNative.Transport;

namespace Serilog.Sinks.JournaldNative.Tests.Transport;

public sealed class JournalSocketTests
{
    [Fact]
    public void SendsOneEntryAsOneDatagramByteForByte()
    {
        using var receiver = new DatagramReceiver();
        using var socket = new JournalSocket(receiver.SocketPath);
        var entry = new JournalEntryBuilder();
        entry.Add("MESSAGE", "hello");
        entry.Add("EXCEPTION", "line 1\nline 2");

        SendResult result = socket.Send(entry.Written.Span);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.False(result.ViaMemfd);
        DatagramReceiver.Datagram datagram = receiver.Receive();
        Assert.Null(datagram.MemfdDatagramLength);
        Assert.Equal(entry.Written.ToArray(), datagram.Bytes);
    }

    [Fact]
    public void SendsAnEntryTooLargeForADatagramAsASealedMemfd()
    {
        using var receiver = new DatagramReceiver();
        using var socket = new JournalSocket(receiver.SocketPath);
        var entry = new JournalEntryBuilder();
        entry.Add("MESSAGE", "large");
        entry.Add("PAYLOAD", string.Concat(Enumerable.Repeat("0123456789abcdef\n", 1024 * 1024))); // 17 MiB

        SendResult result = socket.Send(entry.Written.Span);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.True(result.ViaMemfd);
        DatagramReceiver.Datagram datagram = receiver.Receive();
        Assert.Equal(0, datagram.MemfdDatagramLength);
        Assert.Equal(entry.Written.ToArray(), datagram.Bytes);
        // F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: journald refuses a memfd that could still change.
        Assert.Equal(0x1 | 0x2 | 0x4 | 0x8, datagram.Seals & 0xF);
    }

    [Fact]
    public void ReportsAMissingSocketAsUnavailableNamingIt()
    {
        using var directory = new TempDirectory();
        string path = directory.Combine("no-journald");
        using var socket = new JournalSocket(path);

        SendResult result = socket.Send("MESSAGE=x\n"u8);

        Assert.Equal(SendOutcome.Unavailable, result.Outcome);
        Assert.Contains(path, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void WorksAgainWhenTheSocketComesBack()
    {
        using var directory = new TempDirectory();
        using var receiver = new DatagramReceiver();
        using var socket = new JournalSocket(receiver.SocketPath);
        File.Move(receiver.SocketPath, directory.Combine("moved-away"));
        Assert.Equal(SendOutcome.Unavailable, socket.Send("MESSAGE=lost\n"u8).Outcome);

        File.Move(directory.Combine("moved-away"), receiver.SocketPath);

        Assert.Equal(SendOutcome.Sent, socket.Send("MESSAGE=back\n"u8).Outcome);
        Assert.Equal("MESSAGE=back\n"u8.ToArray(), receiver.Receive().Bytes);
    }
}
