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
    [InlineData("0::/user.slice/user-1000.slice/session-3.scope\n", "unit session-3.scope")]
    [InlineData("garbage without colons", null)]
    public void NamesTheContainerPodOrUnitFromTheCgroup(string cgroup, string? expected)
    {
        Assert.Equal(expected, NamespaceNames.FromCgroup(cgroup));
    }

    [Fact]
    public void FallsBackToThePidAndCommandName()
    {
        Assert.Equal("pid 4242 (dnsmasq)", NamespaceNames.OfProcess(4242, "0::/\n", "dnsmasq\n"));
        Assert.Equal("pid 4242 (?)", NamespaceNames.OfProcess(4242, null, null));
    }
}
