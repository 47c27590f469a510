using System.Collections.Concurrent;

namespace ConntrackWatch.Kernel.Netlink;

/// <summary>
/// Receives a netlink dump on a thread of its own while the caller parses: the kernel builds the next datagram
/// inside our recv(2) while the last one is aggregated, so the two costs overlap instead of adding up. A few
/// buffers go round between the two threads; memory stays bounded whatever the dump's size.
/// </summary>
internal sealed class PipelinedReceiver : IDisposable
{
    private readonly NetlinkSocket _socket;
    private readonly BlockingCollection<byte[]> _free = [];
    private readonly BlockingCollection<Datagram> _full;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public PipelinedReceiver(NetlinkSocket socket, int buffers = 4, int bufferSize = 256 * 1024)
    {
        _socket = socket;
        _full = new BlockingCollection<Datagram>(buffers);
        for (int i = 0; i < buffers; i++)
        {
            _free.Add(new byte[bufferSize]);
        }

        _thread = new Thread(Receive) { IsBackground = true, Name = "ctnetlink dump" };
        _thread.Start();
    }

    /// <summary>The datagrams as they come, until the one that ends the dump or a receive failure (Length -1).</summary>
    public IEnumerable<Datagram> Datagrams => _full.GetConsumingEnumerable(_stop.Token);

    /// <summary>Gives a parsed datagram's buffer back for the next receive.</summary>
    public void Return(byte[] buffer) => _free.Add(buffer);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _free.Dispose();
        _full.Dispose();
    }

    private void Receive()
    {
        try
        {
            while (true)
            {
                byte[] buffer = _free.Take(_stop.Token);
                int received = _socket.Receive(buffer, out int errno);
                _full.Add(new Datagram(buffer, received, errno), _stop.Token);
                if (received < 0 || NetlinkMessages.EndsDump(buffer.AsSpan(0, received)))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The parser stopped first (a fault, or the time limit): nothing more is wanted.
        }
        finally
        {
            _full.CompleteAdding();
        }
    }

    /// <summary>One received datagram: <see cref="Length"/> bytes of <see cref="Buffer"/>, or -1 with the errno.</summary>
    internal readonly record struct Datagram(byte[] Buffer, int Length, int Errno);
}
