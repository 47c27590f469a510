using System.Globalization;

namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>
/// A network namespace of the test's own, with loopback up and an nftables rule that makes the kernel track new
/// flows there. Deleted on dispose, which frees its conntrack entries, whatever the test's outcome.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private readonly string _ip;

    public NetworkNamespace()
    {
        _ip = Prerequisite.RequireExecutable("ip");
        Prerequisite.RequireExecutable("nft");
        Name = $"cwtest{Environment.ProcessId}x{Random.Shared.Next(100_000, 999_999)}";
        Command.RunChecked(_ip, "netns", "add", Name);
        try
        {
            Exec("ip", "link", "set", "lo", "up");
            Exec("nft", "add", "table", "inet", "cwtest");
            Exec("nft", "add", "chain", "inet", "cwtest", "output", "{ type filter hook output priority 0; policy accept; }");
            Exec("nft", "add", "rule", "inet", "cwtest", "output", "ct", "state", "new", "counter", "accept");
            // The namespace's own UDP timeout (30 s by default): flows outlast a slow test.
            Exec("sh", "-c", "echo 600 > /proc/sys/net/netfilter/nf_conntrack_udp_timeout");
        }
        catch
        {
            Dispose(); // a setup that fails halfway leaves no namespace behind
            throw;
        }
    }

    public string Name { get; }

    /// <summary>The namespace's inode, as readlink /proc/PID/ns/net shows it for a process inside.</summary>
    public long Inode => ConntrackWatch.Kernel.FileIdentity.TryOf($"/run/netns/{Name}", out ConntrackWatch.Kernel.FileIdentity identity)
        ? (long)identity.Inode
        : throw new InvalidOperationException($"/run/netns/{Name} is gone");

    /// <summary>drop + early_drop summed over the CPUs, as conntrack -S reports them inside the namespace.</summary>
    public long TableFullDrops()
    {
        string stats = Exec("conntrack", "-S");
        return Command.SumConntrackStat(stats, "drop") + Command.SumConntrackStat(stats, "early_drop");
    }

    /// <summary>The prefix that runs a command inside the namespace.</summary>
    public string[] Wrapper => [_ip, "netns", "exec", Name];

    /// <summary>One UDP datagram to each of <paramref name="count"/> loopback ports: that many tracked flows.</summary>
    public void CreateUdpFlows(int count, int firstPort = 10_000) =>
        Exec("bash", "-c", string.Create(CultureInfo.InvariantCulture,
            $"for p in $(seq {firstPort} {firstPort + count - 1}); do echo x > /dev/udp/127.0.0.1/$p 2>/dev/null; done; true"));

    /// <summary>
    /// One UDP datagram from <paramref name="source"/> (a loopback address: 127.0.0.0/8 is all local) to each of
    /// <paramref name="count"/> loopback ports from <paramref name="firstPort"/> on: that many tracked flows. The
    /// socket is opened inside the namespace (the daemon's own setns entry) and sends from here, fast.
    /// </summary>
    public void CreateUdpFlowsFrom(string source, int count, int firstPort = 1)
    {
        using System.Net.Sockets.Socket socket = ConntrackWatch.Kernel.Namespaces.NamespaceEntry.OpenInside(
            $"/run/netns/{Name}", OpenSocket, out string? problem) ?? throw new InvalidOperationException(problem);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(source), 0));
        byte[] datagram = [(byte)'x'];
        var target = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0);
        for (int i = 0; i < count; i++)
        {
            target.Port = firstPort + i;
            socket.SendTo(datagram, target);
        }

        static System.Net.Sockets.Socket? OpenSocket(out string? problem)
        {
            problem = null;
            return new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        }
    }

    /// <summary>nf_conntrack_count as the kernel reports it inside the namespace.</summary>
    public long KernelCount() =>
        long.Parse(Exec("cat", "/proc/sys/net/netfilter/nf_conntrack_count").Trim(), CultureInfo.InvariantCulture);

    /// <summary>Runs a command inside the namespace and returns its standard output; fails on a non-zero exit.</summary>
    public string Exec(params string[] command) => Command.RunChecked(_ip, ["netns", "exec", Name, .. command]);

    public void Dispose() => Command.Run(_ip, "netns", "delete", Name);
}
