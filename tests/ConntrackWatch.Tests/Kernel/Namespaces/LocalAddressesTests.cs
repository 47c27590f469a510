using System.Net;
using System.Text;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Tests.Kernel.Namespaces;

public sealed class LocalAddressesTests
{
    // /proc/net/fib_trie of a namespace with 192.0.2.2/24 on eth0 and 10.1.0.9/32 on a second interface (6.18).
    private const string FibTrie = """
        Main:
          +-- 0.0.0.0/0 3 0 5
             |-- 0.0.0.0
                /0 universe UNICAST
             +-- 127.0.0.0/8 2 0 2
                +-- 127.0.0.0/31 1 0 0
                   |-- 127.0.0.0
                      /8 host LOCAL
                   |-- 127.0.0.1
                      /32 host LOCAL
                |-- 127.255.255.255
                   /32 link BROADCAST
             +-- 192.0.2.0/24 2 0 2
                +-- 192.0.2.0/30 2 0 2
                   |-- 192.0.2.0
                      /24 link UNICAST
                   |-- 192.0.2.2
                      /32 host LOCAL
                |-- 192.0.2.255
                   /32 link BROADCAST
             |-- 10.1.0.9
                /32 host LOCAL
        Local:
          +-- 0.0.0.0/0 3 0 5
             +-- 192.0.2.0/24 2 0 2
                   |-- 192.0.2.2
                      /32 host LOCAL
        """;

    private static string[] Shown(IEnumerable<ConntrackAddress> addresses) => [.. addresses.Select(a => a.ToString()).Order()];

    [Fact]
    public void TakesTheLocalHostRoutesOfAFibTrieOnceEachWithoutLoopbackOrBroadcasts()
    {
        var addresses = new List<ConntrackAddress>();

        bool capped = LocalAddresses.ParseFibTrie(Encoding.ASCII.GetBytes(FibTrie), addresses);

        Assert.False(capped);
        Assert.Equal(["10.1.0.9", "192.0.2.2"], Shown(addresses));
    }

    [Fact]
    public void TakesEveryAddressOfIfInet6ButLoopback()
    {
        const string IfInet6 = "fd000000000000000000000000000002 04 40 00 82     eth0\n"
            + "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
            + "00000000000000000000000000000001 01 80 10 80       lo\n"
            + "not an address line\n";
        var addresses = new List<ConntrackAddress>();

        Assert.False(LocalAddresses.ParseIfInet6(Encoding.ASCII.GetBytes(IfInet6), addresses));

        Assert.Equal([IPAddress.Parse("fd00::2").ToString(), IPAddress.Parse("fe80::fc:ff:fe00:1").ToString()], Shown(addresses));
    }

    [Fact]
    public void StopsAtTheCapAndSaysSo()
    {
        var trie = new StringBuilder("Local:\n");
        for (int i = 0; i <= LocalAddresses.MaxAddresses; i++)
        {
            trie.Append(System.Globalization.CultureInfo.InvariantCulture, $"  |-- 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n     /32 host LOCAL\n");
        }

        var addresses = new HashSet<ConntrackAddress>();

        Assert.True(LocalAddresses.ParseFibTrie(Encoding.ASCII.GetBytes(trie.ToString()), addresses));
        Assert.Equal(LocalAddresses.MaxAddresses, addresses.Count);
    }

    [Theory]
    [InlineData("  |-- 10.0.0.300\n     /32 host LOCAL\n")]
    [InlineData("  |-- 10.0.0\n     /32 host LOCAL\n")]
    [InlineData("  |-- 10.0.0.1.2\n     /32 host LOCAL\n")]
    [InlineData("  |-- 10.0.0.7\n  +-- 10.0.0.0/24 2 0 2\n     /32 host LOCAL\n")] // the route is a later node's, not the leaf's
    [InlineData("  |-- 10.0.0.7\n     /32 link BROADCAST\n")]
    public void TakesNothingThatIsNotALocalHostRouteOfAWholeAddress(string trie)
    {
        var addresses = new List<ConntrackAddress>();

        LocalAddresses.ParseFibTrie(Encoding.ASCII.GetBytes(trie), addresses);

        Assert.Empty(addresses);
    }
}
