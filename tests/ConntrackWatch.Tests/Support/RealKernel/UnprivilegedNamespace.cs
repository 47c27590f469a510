using System.Globalization;

namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>
/// What any user may do on this host, done by nobody: a user and network namespace of its own (<c>unshare -rn</c>
/// through setpriv), loopback up, an nftables rule that tracks new flows, <paramref name="flows"/> UDP flows to
/// loopback ports, and its own comm set to <paramref name="comm"/> (any bytes but NUL, at most 15) in one write(2),
/// as each write replaces the whole comm. The shell becomes perl for that (exec: the same process), which then
/// sleeps, so the process the daemon finds in that namespace is the one named so. Killed on dispose, which ends
/// the namespace and its entries.
/// </summary>
public sealed class UnprivilegedNamespace : IDisposable
{
    private const string Script = """
        set -e
        ip link set lo up
        nft add table inet cwtest
        nft add chain inet cwtest output '{ type filter hook output priority 0; policy accept; }'
        nft add rule inet cwtest output ct state new counter accept
        echo 600 > /proc/sys/net/netfilter/nf_conntrack_udp_timeout
        for p in $(seq 20000 $((20000 + FLOWS - 1))); do echo x > /dev/udp/127.0.0.1/$p 2>/dev/null || true; done
        exec perl -e 'open(my $comm, ">", "/proc/self/comm") or die $!; syswrite($comm, $ENV{COMM}) or die $!; close($comm);
            $| = 1; print "ready\n"; sleep 300;'
        """;

    private readonly DaemonProcess _process;

    public UnprivilegedNamespace(string comm, int flows)
    {
        Prerequisite.RequireRoot();
        string setpriv = Prerequisite.RequireExecutable("setpriv");
        string unshare = Prerequisite.RequireExecutable("unshare");
        Prerequisite.RequireExecutable("nft");
        Prerequisite.RequireExecutable("ip");
        Prerequisite.RequireExecutable("perl");
        _process = DaemonProcess.Start(
            ["-rn", "bash", "-c", Script],
            new Dictionary<string, string> { ["COMM"] = comm, ["FLOWS"] = flows.ToString(CultureInfo.InvariantCulture), ["HOME"] = "/tmp" },
            wrapper: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"],
            binary: unshare);
        try
        {
            _process.WaitForOutputTextAsync("ready", TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        catch
        {
            string error = _process.Error;
            _process.Dispose();
            Prerequisite.Require(false, $"an unprivileged user cannot make a user and network namespace here (unshare -rn as nobody): {error}");
            throw;
        }
    }

    public int Pid => _process.Pid;

    /// <summary>The namespace's entries, as the kernel counts them in its stat file.</summary>
    public long KernelCount()
    {
        string[] lines = File.ReadAllLines($"/proc/{Pid}/net/stat/nf_conntrack");
        return long.Parse(lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    public void Dispose() => _process.Dispose();
}
