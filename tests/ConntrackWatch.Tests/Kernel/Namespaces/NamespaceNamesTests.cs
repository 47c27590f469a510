using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Tests.Kernel.Namespaces;

public sealed class NamespaceNamesTests
{
    [Theory]
    // Kubernetes, systemd cgroup driver (containerd, CRI-O), then the cgroupfs driver.
    [InlineData("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7d9a1b2c_3d4e_5f60_7182_93a4b5c6d7e8.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n",
        "pod 7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8 container 0123456789ab")]
    [InlineData("0::/kubepods.slice/kubepods-pod7d9a1b2c_3d4e_5f60_7182_93a4b5c6d7e8.slice/crio-fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope\n",
        "pod 7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8 container fedcba987654")]
    [InlineData("0::/kubepods/besteffort/pod7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
        "pod 7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8 container 0123456789ab")]
    [InlineData("0::/kubepods/besteffort/pod7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8\n", "pod 7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8")]
    // Docker with the systemd driver, then cgroupfs; Podman.
    [InlineData("0::/system.slice/docker-a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2.scope\n", "container a1b2c3d4e5f6")]
    [InlineData("0::/docker/a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2\n", "container a1b2c3d4e5f6")]
    [InlineData("0::/machine.slice/libpod-a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2.scope/container\n", "container a1b2c3d4e5f6")]
    // LXC, both layouts.
    [InlineData("0::/lxc.payload.web01/init.scope\n", "lxc web01")]
    [InlineData("0::/lxc/web01\n", "lxc web01")]
    // A systemd unit (a VPN daemon, an nspawn machine).
    [InlineData("0::/system.slice/openvpn-server@office.service\n", "unit openvpn-server@office.service")]
    [InlineData("0::/machine.slice/systemd-nspawn@gw.service/payload\n", null)]
    // cgroup v1 or hybrid: the name=systemd hierarchy.
    [InlineData("12:pids:/\n1:name=systemd:/system.slice/wg-quick@wg0.service\n0::/\n", "unit wg-quick@wg0.service")]
    [InlineData("0::/\n", null)]
    // A user's own slice names its cgroups as it likes: nothing there is believed.
    [InlineData("0::/user.slice/user-1000.slice/session-3.scope\n", null)]
    [InlineData("0::/user.slice/user-65534.slice/user@65534.service/app.slice/docker-deadbeefcafe0123456789abcdef0123456789abcdef0123456789abcdef0123.scope\n", null)]
    [InlineData("0::/user.slice/user-65534.slice/user@65534.service/kubepods-pod7d9a1b2c_3d4e_5f60_7182_93a4b5c6d7e8.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n", null)]
    [InlineData("0::/user.slice/user-65534.slice/user@65534.service/lxc.payload.web01\n", null)]
    // A runtime's marks believed only where the runtime puts them.
    [InlineData("0::/mine/lxc/web01\n", null)]
    [InlineData("0::/mine/docker-a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2.scope/x\n", null)]
    [InlineData("0::/mine/pod7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8/x\n", null)]
    // A path with a control character or invalid UTF-8 is no runtime's.
    [InlineData("0::/system.slice/evil\u001b[2J.service\n", null)]
    [InlineData("garbage without colons", null)]
    public void NamesTheContainerPodOrUnitFromTheCgroup(string cgroup, string? expected)
    {
        Assert.Equal(expected, NamespaceNames.FromCgroup(cgroup));
    }

    [Fact]
    public void FallsBackToThePidAndCommandNameWithTheOwner()
    {
        Assert.Equal(("pid 4242 (dnsmasq)", NameRank.Process), NamespaceNames.OfProcess(4242, "0::/\n"u8, "dnsmasq\n"u8, null, null));
        Assert.Equal(("root: pid 4242 (dnsmasq)", NameRank.Process), NamespaceNames.OfProcess(4242, "0::/\n"u8, "dnsmasq\n"u8, 0, null));
        Assert.Equal(("user 1000: pid 812 (python3)", NameRank.Process), NamespaceNames.OfProcess(812, [], "python3\n"u8, 1000, null));
        Assert.Equal("pid 4242 (?)", NamespaceNames.OfProcess(4242, [], [], null, null).Name);
    }

    [Fact]
    public void ACgroupInAUsersSliceIsNamedAfterItsOwner()
    {
        (string name, NameRank rank) = NamespaceNames.OfProcess(
            812, "0::/user.slice/user-1000.slice/user@1000.service/app.slice/sshd.service\n"u8, "python3\n"u8, 1000, null);

        Assert.Equal(("user 1000: pid 812 (python3)", NameRank.Process), (name, rank));
    }

    [Fact]
    public void AContainerScopeADelegatedUserMadeIsNamedAfterItsOwner()
    {
        const string Scope = "/system.slice/docker-a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2.scope";
        byte[] cgroup = System.Text.Encoding.UTF8.GetBytes($"0::{Scope}\n");
        var asked = new List<string>();

        Assert.Equal("user 65534: pid 9 (sh)", NamespaceNames.OfProcess(9, cgroup, "sh\n"u8, 65534, path => { asked.Add(path); return false; }).Name);
        Assert.Equal([Scope], asked);
        Assert.Equal(("container a1b2c3d4e5f6", NameRank.Container), NamespaceNames.OfProcess(9, cgroup, "sh\n"u8, 0, _ => true));
    }

    [Fact]
    public void ACommOfControlBytesAndInvalidUtf8IsEscapedVisibly()
    {
        byte[] comm = [.. "x\nSTOPPING=1\nx\u001b]0;pwn\u0007"u8, 0xff, (byte)'\n'];

        string name = NamespaceNames.OfProcess(77, "0::/\n"u8, comm, 65534, null).Name;

        Assert.Equal(@"user 65534: pid 77 (x\x0aSTOPPING=1\x0ax\x1b]0;pwn\x07\xff)", name);
    }
}
