using System.Text;
using ConntrackWatch.Kernel.Breakdown;

namespace ConntrackWatch.Tests.Kernel.Breakdown;

public sealed class ProcTableLineTests
{
    private static ConntrackEntry Parse(string line)
    {
        Assert.True(ProcTableLine.TryParse(Encoding.ASCII.GetBytes(line), out ConntrackEntry entry), line);
        return entry;
    }

    [Fact]
    public void ReadsAnUnrepliedUdpEntryFromItsOriginalDirection()
    {
        ConntrackEntry entry = Parse("ipv4     2 udp      17 29 src=127.0.0.2 dst=127.0.0.1 sport=40000 dport=9 [UNREPLIED] src=127.0.0.1 dst=127.0.0.2 sport=9 dport=40000 mark=0 zone=0 use=2");

        Assert.Equal("127.0.0.2", entry.Source.ToString());
        Assert.Equal("127.0.0.1:9/udp", entry.Destination.ToString());
        Assert.Equal(17, entry.Protocol);
        Assert.False(entry.Assured);
        Assert.False(entry.Replied);
        Assert.Null(entry.TcpState);
        Assert.Equal(29u, entry.TimeoutSeconds);
    }

    [Fact]
    public void ReadsTheRepliesSourceWhichADnatMakesTheRealPeer()
    {
        ConntrackEntry entry = Parse("ipv4     2 tcp      6 86399 ESTABLISHED src=203.0.113.9 dst=192.0.2.2 sport=51000 dport=30080 src=10.244.1.23 dst=203.0.113.9 sport=8080 dport=51000 [ASSURED] mark=0 zone=0 use=2");

        Assert.Equal("203.0.113.9", entry.Source.ToString());
        Assert.Equal("192.0.2.2:30080/tcp", entry.Destination.ToString());
        Assert.Equal("10.244.1.23", entry.ReplySource.ToString()); // the pod behind the NodePort
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("2001:db8::66", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("1", false)]
    [InlineData("0x7f.1", false)]
    [InlineData("127.0.0.01", false)]
    [InlineData("127.0.0.256", false)]
    [InlineData("127.0.0.1.5", false)]
    [InlineData("2001:DB8::66", false)]
    [InlineData("2001:0db8::66", false)]
    [InlineData("2001:db8:0:0:0:0:0:66", false)]
    public void TakesOnlyTheAddressFormsTheKernelPrints(string address, bool taken)
    {
        string line = $"ipv4     2 udp      17 29 src={address} dst=127.0.0.1 sport=40000 dport=9 [UNREPLIED] src=127.0.0.1 dst=127.0.0.2 sport=9 dport=40000 mark=0 zone=0 use=2";

        Assert.Equal(taken, ProcTableLine.TryParse(Encoding.ASCII.GetBytes(line), out ConntrackEntry entry));
        if (taken)
        {
            Assert.Equal(address, entry.Source.ToString());
        }
    }

    [Fact]
    public void ReadsAnAssuredEstablishedTcpEntry()
    {
        ConntrackEntry entry = Parse("ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=40022 dport=22 src=10.0.0.2 dst=10.0.0.1 sport=22 dport=40022 [ASSURED] mark=0 zone=0 use=2");

        Assert.True(entry.Assured);
        Assert.True(entry.Replied);
        Assert.Equal((byte)3, entry.TcpState);
        Assert.Equal("10.0.0.2:22/tcp", entry.Destination.ToString());
        Assert.Equal(431999u, entry.TimeoutSeconds);
    }

    [Fact]
    public void ReadsIPv6AndProtocolsWithoutPorts()
    {
        ConntrackEntry v6 = Parse("ipv6     10 udp      17 20 src=fd00::1 dst=fd00::53 sport=5353 dport=53 [UNREPLIED] src=fd00::53 dst=fd00::1 sport=53 dport=5353 mark=0 zone=0 use=2");
        ConntrackEntry icmp = Parse("ipv4     2 icmp     1 29 src=10.0.0.1 dst=10.0.0.9 type=8 code=0 id=7 [UNREPLIED] src=10.0.0.9 dst=10.0.0.1 type=0 code=0 id=7 mark=0 zone=0 use=2");

        Assert.Equal("[fd00::53]:53/udp", v6.Destination.ToString());
        Assert.Equal("fd00::1", v6.Source.ToString());
        Assert.Equal("10.0.0.9/icmp", icmp.Destination.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("ipv4     2 udp      seventeen 29 src=1.2.3.4 dst=5.6.7.8")]
    [InlineData("ipv4     2 udp      17 29 src=not-an-address dst=5.6.7.8 sport=1 dport=2")]
    public void RefusesWhatIsNotAnEntry(string line)
    {
        Assert.False(ProcTableLine.TryParse(Encoding.ASCII.GetBytes(line), out _));
    }
}
