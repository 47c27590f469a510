using System.Net;
using System.Net.Sockets;

namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>Creates conntrack entries: one UDP datagram from one socket to each of many loopback ports.</summary>
public static class UdpFlows
{
    public static void Send(int count, int firstPort)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        byte[] payload = [1];
        for (int i = 0; i < count; i++)
        {
            socket.SendTo(payload, new IPEndPoint(IPAddress.Loopback, firstPort + i));
        }
    }
}
