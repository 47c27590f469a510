using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

public sealed class MaxWritersTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private MaxWritersTests Write(string relative, string content)
    {
        string path = _root.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    [Theory]
    [InlineData("net.netfilter.nf_conntrack_max = 131072", "131072")]
    [InlineData("net/netfilter/nf_conntrack_max=65536", "65536")]
    [InlineData("  -net.netfilter.nf_conntrack_max = 1 ", "1")]
    [InlineData("# net.netfilter.nf_conntrack_max = 9", null)]
    [InlineData("; net.netfilter.nf_conntrack_max = 9", null)]
    [InlineData("net.netfilter.nf_conntrack_max_extra = 9", null)]
    [InlineData("net.netfilter.nf_conntrack_buckets = 9", null)]
    public void ReadsALineAsSystemdSysctlDoes(string line, string? expected)
    {
        Assert.Equal(expected is not null, MaxWriters.SetsMax(line, out string? value));
        Assert.Equal(expected, expected is null ? null : value);
    }

    [Fact]
    public void ListsEverySysctlDLineInTheOrderAppliedWithAMaskedFileLeftOut()
    {
        Write("usr/lib/sysctl.d/50-default.conf", "kernel.pid_max = 4194304\nnet.netfilter.nf_conntrack_max = 65536\n")
            .Write("usr/lib/sysctl.d/90-masked.conf", "net.netfilter.nf_conntrack_max = 1\n")
            .Write("etc/sysctl.d/90-masked.conf", "# the admin's copy masks the vendor's\nnet.netfilter.nf_conntrack_max = 262144\n")
            .Write("run/sysctl.d/10-early.conf", "net/netfilter/nf_conntrack_max=32768\n")
            .Write("etc/sysctl.d/README", "net.netfilter.nf_conntrack_max = 7\n") // not a .conf file: not read
            .Write("etc/sysctl.conf", "net.netfilter.nf_conntrack_max = 524288\n");
        Directory.CreateDirectory(_root.Combine("proc"));

        Assert.Equal(
            [
                "/run/sysctl.d/10-early.conf:1 sets 32768",
                "/usr/lib/sysctl.d/50-default.conf:2 sets 65536",
                "/etc/sysctl.d/90-masked.conf:2 sets 262144",
                "/etc/sysctl.conf:1 sets 524288",
            ],
            MaxWriters.Find(_root.Path, _root.Combine("proc")));
    }

    [Fact]
    public void NamesRootsRunningKubeProxyWithItsConntrackFlagsAndBelievesNoOtherProcessOfThatName()
    {
        Write("proc/812/comm", "kube-proxy\n")
            .Write("proc/812/cmdline", "/usr/local/bin/kube-proxy\0--config=/var/lib/kube-proxy/config.conf\0--conntrack-max-per-core=32768\0--conntrack-min=131072\0")
            .Write("proc/900/comm", "kube-proxy\n")
            .Write("proc/900/cmdline", "kube-proxy\0--conntrack-max-per-core=1\0");
        Command.RunChecked("chown", "65534:65534", _root.Combine("proc/900")); // a user's process, named as it likes

        Assert.Equal(["kube-proxy (pid 812): --conntrack-max-per-core=32768 --conntrack-min=131072"], MaxWriters.Find(_root.Path, _root.Combine("proc")));
    }
}
