using System.Text;
using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Tests.Kernel.Namespaces;

/// <summary>The names the runtimes keep, laid out as Docker and kubelet lay them, under a host root of the test's own.</summary>
public sealed class RuntimeRecordsTests : IDisposable
{
    private const string Id = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2";
    private const string PodUid = "7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8";
    private const string DockerCgroup = $"0::/system.slice/docker-{Id}.scope\n";
    private const string PodCgroup = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7d9a1b2c_3d4e_5f60_7182_93a4b5c6d7e8.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n";

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private string Config(string id = Id) => _root.Combine($"var/lib/docker/containers/{id}/config.v2.json");

    private void WriteConfig(string json, string id = Id)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Config(id))!);
        File.WriteAllText(Config(id), json);
    }

    private string NameOf(string cgroup) =>
        NamespaceNames.OfProcess(42, Encoding.UTF8.GetBytes(cgroup), "sleep\n"u8, 0, null, new RuntimeRecords(_root.Path)).Name;

    [Fact]
    public void NamesADockerContainerByTheNameDockerGaveIt()
    {
        WriteConfig($$"""{"StreamConfig":{},"State":{"Running":true,"Name":"not this"},"ID":"{{Id}}","Name":"/web","Config":{"Hostname":"a1b2c3d4e5f6"},"Path":"/bin/sh"}""");

        Assert.Equal("container web", NameOf(DockerCgroup));
        Assert.Equal("container web", NameOf($"0::/docker/{Id}\n")); // the cgroupfs driver
    }

    [Fact]
    public void NamesAPodByItsNamespaceAndNameFromKubeletsLogDirectory()
    {
        Directory.CreateDirectory(_root.Combine($"var/log/pods/kube-system_coredns-5d78c9869d-x7k2p_{PodUid}/coredns"));
        Directory.CreateDirectory(_root.Combine("var/log/pods/default_other_00000000-0000-0000-0000-000000000000"));

        Assert.Equal("pod kube-system/coredns-5d78c9869d-x7k2p", NameOf(PodCgroup));
    }

    [Theory]
    [InlineData("""{"ID":"0000000000000000000000000000000000000000000000000000000000000000","Name":"/web"}""")] // another container's record
    [InlineData("""{"ID":"ID","Name":""}""")]
    [InlineData("""{"Name":"/web""")] // cut short
    [InlineData("not json")]
    public void KeepsTheIdWhereTheRecordDoesNotNameThisContainer(string json)
    {
        WriteConfig(json.Replace("\"ID\":\"ID\"", $"\"ID\":\"{Id}\"", StringComparison.Ordinal));

        Assert.Equal("container a1b2c3d4e5f6", NameOf(DockerCgroup));
    }

    [Fact]
    public void BelievesNoRecordInADirectoryOthersMayWriteToNorThroughASymbolicLink()
    {
        WriteConfig($$"""{"ID":"{{Id}}","Name":"/web"}""");
        string containers = _root.Combine("var/lib/docker/containers");
        File.SetUnixFileMode(containers, File.GetUnixFileMode(containers) | UnixFileMode.OtherWrite);

        Assert.Equal("container a1b2c3d4e5f6", NameOf(DockerCgroup));

        File.SetUnixFileMode(containers, File.GetUnixFileMode(containers) & ~UnixFileMode.OtherWrite);
        string elsewhere = _root.Combine("elsewhere.json");
        File.Move(Config(), elsewhere);
        File.CreateSymbolicLink(Config(), elsewhere);

        Assert.Equal("container a1b2c3d4e5f6", NameOf(DockerCgroup));
    }

    [Fact]
    public void EscapesAndBoundsTheNameAndReadsNoHugeRecord()
    {
        WriteConfig($$"""{"ID":"{{Id}}","Name":"/web\u001b[2J{{new string('x', 300)}}"}""");

        string name = NameOf(DockerCgroup);
        Assert.StartsWith("container web\\x1b[2J", name, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(name) <= "container ".Length + 64, name);

        WriteConfig($$"""{"ID":"{{Id}}","Name":"/web","Padding":"{{new string(' ', RuntimeRecords.MaxConfigBytes)}}"}""");
        Assert.Equal("container a1b2c3d4e5f6", NameOf(DockerCgroup));
    }

    [Fact]
    public void AsksDockerOnlyForACgroupDockerPlaced()
    {
        WriteConfig($$"""{"ID":"{{Id}}","Name":"/web"}""");

        Assert.Equal("container a1b2c3d4e5f6", NameOf($"0::/machine.slice/libpod-{Id}.scope\n")); // Podman's: not Docker's record
        Assert.Equal("container a1b2c3d4e5f6", NamespaceNames.OfProcess(42, Encoding.UTF8.GetBytes(DockerCgroup), "sleep\n"u8, 0, null).Name); // no records asked for
    }

    [Fact]
    public void NamesAPodFromContainerdsTaskBundleWhereKubeletsLogsAreNotThere()
    {
        const string Cid = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        string bundle = _root.Combine($"run/containerd/io.containerd.runtime.v2.task/k8s.io/{Cid}/config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(bundle)!);
        File.WriteAllText(bundle, $$$"""{"ociVersion":"1.1.0","process":{"args":["/pause"]},"annotations":{"io.kubernetes.cri.container-type":"sandbox","io.kubernetes.cri.sandbox-name":"api-7c9f","io.kubernetes.cri.sandbox-namespace":"default","io.kubernetes.cri.sandbox-uid":"{{{PodUid}}}"}}""");

        Assert.Equal("pod default/api-7c9f", NameOf(PodCgroup));
    }

    [Fact]
    public void BelievesNoRuntimeRecordOfAnotherPod()
    {
        const string Cid = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        string bundle = _root.Combine($"run/containerd/io.containerd.runtime.v2.task/k8s.io/{Cid}/config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(bundle)!);
        File.WriteAllText(bundle, """{"annotations":{"io.kubernetes.cri.sandbox-name":"api","io.kubernetes.cri.sandbox-namespace":"default","io.kubernetes.cri.sandbox-uid":"00000000-0000-0000-0000-000000000000"}}""");

        Assert.Equal("pod 7d9a1b2c-3d4e-5f60-7182-93a4b5c6d7e8 container 0123456789ab", NameOf(PodCgroup));
    }

    [Fact]
    public void NamesAPodFromCriOsContainerRecord()
    {
        const string Cid = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
        string config = _root.Combine($"run/containers/storage/overlay-containers/{Cid}/userdata/config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, $$$"""{"annotations":{"io.kubernetes.pod.name":"web-0","io.kubernetes.pod.namespace":"shop","io.kubernetes.pod.uid":"{{{PodUid}}}"}}""");

        Assert.Equal("pod shop/web-0", NameOf($"0::/kubepods.slice/kubepods-pod7d9a1b2c_3d4e_5f60_7182_93a4b5c6d7e8.slice/crio-{Cid}.scope\n"));
    }

    [Fact]
    public void NamesARootfulPodmanContainerFromItsStorage()
    {
        string containers = _root.Combine("var/lib/containers/storage/overlay-containers/containers.json");
        Directory.CreateDirectory(Path.GetDirectoryName(containers)!);
        File.WriteAllText(containers, $$"""[{"id":"0000000000000000000000000000000000000000000000000000000000000000","names":["other"]},{"id":"{{Id}}","names":["web"],"image":"x"}]""");

        Assert.Equal("container web", NameOf($"0::/machine.slice/libpod-{Id}.scope/container\n"));
        Assert.Equal("container a1b2c3d4e5f6", NameOf(DockerCgroup)); // Docker's cgroup: Podman's storage is not asked
    }
}
