using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ConntrackWatch.Logging;
using ConntrackWatch.Tests.Metrics;
using ConntrackWatch.Tests.Support.RealKernel;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// The container image and the DaemonSet, proven as Kubernetes would run them where no cluster runs: the image is
/// built by deploy/container/build.sh from the shipped binary, and run by a dockerd of the test's own with exactly
/// the settings of the pod of the rendered DaemonSet (tests/kubernetes/docker-run.mjs turns them into docker run's
/// arguments: nothing is typed twice). The real nf_conntrack_max is lowered, then restored whatever the outcome.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class ContainerImageTests
{
    private const string MaxPath = "/proc/sys/net/netfilter/nf_conntrack_max";
    private const string StateHostPath = "/var/lib/conntrackwatch";
    private const string PodLogsHostPath = "/var/log/pods";

    private static string Checks => RepositoryFiles.PathOf("tests/kubernetes");

    private static string RequireKubernetesTools()
    {
        Prerequisite.RequireExecutable("kubectl");
        string node = Prerequisite.RequireExecutable("node");
        Prerequisite.Require(Directory.Exists(Path.Combine(Checks, "node_modules/kubernetes-models")),
            "needs the Kubernetes checks' packages: npm ci --prefix tests/kubernetes");
        return node;
    }

    // kubectl kustomize deploy/kubernetes, as a file.
    private static string Render(TempDirectory directory)
    {
        string rendered = directory.Combine("rendered.yaml");
        File.WriteAllText(rendered, Command.RunChecked("kubectl", "kustomize", RepositoryFiles.PathOf("deploy/kubernetes")));
        return rendered;
    }

    [Fact]
    public void TheRenderedManifestsAreValidAgainstTheKubernetesSchemas()
    {
        string node = RequireKubernetesTools();
        using var directory = new TempDirectory();

        Command.Result checkedManifests = Command.Run(node, Path.Combine(Checks, "validate.mjs"), Render(directory));

        Assert.True(checkedManifests.ExitCode == 0, checkedManifests.Output + checkedManifests.Error);
        Assert.Equal("2 objects valid", checkedManifests.Output.Trim());
    }

    [Theory]
    [InlineData("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", "readOnlyRootFileSystem")]
    [InlineData("hostPID: true", "hostPid: true", "hostPid")]
    [InlineData("automountServiceAccountToken: false\nkind: ServiceAccount", "automountServiceAccountTokens: false\nkind: ServiceAccount", "automountServiceAccountTokens")]
    [InlineData("periodSeconds: 10", "periodSeconds: ten", "periodSeconds")]
    public void AMisspelledOrMistypedFieldFailsTheCheckNamingIt(string field, string misspelled, string named)
    {
        string node = RequireKubernetesTools();
        using var directory = new TempDirectory();
        string rendered = Render(directory);
        string text = File.ReadAllText(rendered);
        Assert.Contains(field, text, StringComparison.Ordinal);
        File.WriteAllText(rendered, text.Replace(field, misspelled, StringComparison.Ordinal));

        Command.Result checkedManifests = Command.Run(node, Path.Combine(Checks, "validate.mjs"), rendered);

        Assert.Equal(1, checkedManifests.ExitCode);
        Assert.Contains(named, checkedManifests.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonRootUserGetsNoEffectiveCapabilityFromThePodsSettingsSoThePodRunsAsRoot()
    {
        // Why the DaemonSet runs as uid 0 with CAP_NET_ADMIN alone: the same capabilities and no privilege
        // escalation, for uid 65534, leave nothing effective (no ambient capabilities are set).
        using var docker = new DockerDaemon();
        string[] settings = ["--cap-drop", "ALL", "--cap-add", "NET_ADMIN", "--security-opt", "no-new-privileges"];

        string asRoot = docker.Docker(["run", "--rm", "--user", "0:0", .. settings, docker.Image, "/bin/sh", "-c", "grep CapEff /proc/self/status"]).Output;
        string asNobody = docker.Docker(["run", "--rm", "--user", "65534:65534", .. settings, docker.Image, "/bin/sh", "-c", "grep CapEff /proc/self/status"]).Output;

        Assert.Equal("CapEff:\t0000000000001000", asRoot.Trim()); // CAP_NET_ADMIN, bit 12, alone
        Assert.Equal("CapEff:\t0000000000000000", asNobody.Trim());
    }

    [Fact]
    public async Task ThePodRunAsTheDaemonSetSaysRaisesTheRealMaxServesMetricsLogsJsonKeepsTheLearnedMaxAndStops()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        string node = RequireKubernetesTools();
        string promtool = Prerequisite.RequireExecutable("promtool");
        long hostCount = long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_count").Trim(), CultureInfo.InvariantCulture);
        Prerequisite.Require(hostCount < 30, $"needs a quiet host namespace (it holds {hostCount} entries, and the max goes down to 100)");
        using var directory = new TempDirectory();
        using var docker = new DockerDaemon();
        string image = Build(docker);
        AssertTheImageHoldsOnlyTheBinaryItsLibrariesAndSettings(docker, image, directory);

        using var max = new SysctlRestorer(MaxPath);
        using var full = new NetworkNamespace();
        using var inside = DaemonProcess.Start(["600"], binary: "sleep", wrapper: full.Wrapper); // how a pod's namespace is seen: through a process
        await Eventually.TrueAsync(() => File.Exists($"/proc/{inside.Pid}/net/stat/nf_conntrack"), "the process runs in the namespace");
        // A container beside the pod: named by its cgroup, which the pod believes through the host's cgroup tree.
        docker.Run("beside", "sleep 600");
        string besideId = docker.Id("beside")[..12];
        max.Set(100);
        full.CreateUdpFlows(65);
        Assert.Equal(65, full.KernelCount());

        string state = directory.Combine("state");
        JsonElement pod = DockerRun(node, Render(directory), image, "cwpod", state, directory.Combine("pods"));
        docker.Removes("cwpod");
        Command.Result started = docker.Docker(["run", .. pod.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)]);
        Assert.True(started.ExitCode == 0, started.Error);
        int port = pod.GetProperty("probe").GetProperty("port").GetInt32();
        string probePath = pod.GetProperty("probe").GetProperty("path").GetString()!;

        // The raise: the namespace's 65 entries passed the mark (60% of 100), so twice the mark.
        await Eventually.TrueAsync(() => max.Current == 120, $"the pod raises the max to 120 (it is {max.Current}); logs: {Logs(docker)}");
        string learned = Path.Combine(state, ConntrackWatch.Service.LearnedMaxStore.FileName);
        await Eventually.TrueAsync(() => File.Exists(learned), $"the learned max is kept on the mounted state directory ({string.Join(", ", Directory.GetFileSystemEntries(state))}; mounts {docker.Docker("inspect", "-f", "{{json .Mounts}}", "cwpod").Output})");
        Assert.Contains("\nmax=120\n", File.ReadAllText(learned), StringComparison.Ordinal);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using HttpResponseMessage health = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{probePath}"), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        string metrics = string.Empty;
        await Eventually.TrueAsync(() =>
        {
            metrics = http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).GetAwaiter().GetResult();
            return metrics.Contains("conntrackwatch_max_entries 120\n", StringComparison.Ordinal);
        }, "the scrape shows the raised max");
        // The namespace the test made, with its exact count, known by its process: root's processes keep their
        // namespace's inode from a reader with CAP_NET_ADMIN alone (ptrace rules), as from the hardened unit.
        string seen = $"pid {inside.Pid} (sleep)";
        Assert.Contains($"{seen}\",inode=\"\"}} 65\n", metrics, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_raises_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"namespace=\"container {besideId}\"", metrics, StringComparison.Ordinal);
        AssertAccepted(promtool, metrics, directory);

        // Logs: one JSON object a line, each with its MESSAGE_ID and PRIORITY, the raise's numbers as fields.
        JsonElement[] lines = [.. Logs(docker).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        Assert.All(lines, l => Assert.True(l.TryGetProperty("MESSAGE_ID", out _) && l.TryGetProperty("PRIORITY", out _) && l.TryGetProperty("@m", out _), l.ToString()));
        JsonElement raised = Assert.Single(lines, l => l.GetProperty("MESSAGE_ID").GetString() == MessageIds.ByEventId[LogEvents.Raised]);
        Assert.Equal((100, 120), (raised.GetProperty("OldMax").GetInt64(), raised.GetProperty("NewMax").GetInt64()));
        Assert.EndsWith(seen, raised.GetProperty("NetnsName").GetString(), StringComparison.Ordinal);

        // SIGTERM, as the kubelet stops a pod: a clean exit within the grace period.
        int grace = pod.GetProperty("gracePeriodSeconds").GetInt32();
        var stopping = Stopwatch.StartNew();
        Command.Result stopped = docker.Docker("stop", "--time", grace.ToString(CultureInfo.InvariantCulture), "cwpod");
        stopping.Stop();
        Assert.True(stopped.ExitCode == 0, stopped.Error);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(grace / 2.0), $"stopped in {stopping.Elapsed}");
        Assert.Equal("0", docker.Docker("inspect", "-f", "{{.State.ExitCode}}", "cwpod").Output.Trim());

        // Restarted with the table empty and the max back at 100: the learned max comes back from the state directory.
        full.Exec("conntrack", "-F");
        max.Set(100);
        Assert.Equal(0, docker.Docker("start", "cwpod").ExitCode);
        await Eventually.TrueAsync(() => max.Current == 120, $"the restarted pod restores 120 (the max is {max.Current}); logs: {Logs(docker)}");
        Assert.Contains(MessageIds.ByEventId[LogEvents.LearnedMaxRestored], Logs(docker), StringComparison.Ordinal);
        Assert.Equal(0, docker.Docker("stop", "cwpod").ExitCode);
        inside.Signal(DaemonProcess.Sigterm);
    }

    // The image, built by the one command the README gives, from the shipped binary.
    private static string Build(DockerDaemon docker)
    {
        string tag = $"conntrackwatch-test:{Environment.ProcessId}";
        Command.Result built = Command.Run(RepositoryFiles.PathOf("deploy/container/build.sh"),
            "--binary-dir", Path.GetDirectoryName(DaemonProcess.BinaryPath)!, "--docker-host", docker.Socket, "--tag", tag);
        Assert.True(built.ExitCode == 0, built.Error);
        return tag;
    }

    private static void AssertTheImageHoldsOnlyTheBinaryItsLibrariesAndSettings(DockerDaemon docker, string image, TempDirectory directory)
    {
        // The image's own layers, as docker save writes them: what the image is, not what a container adds.
        string saved = directory.Combine("saved");
        Directory.CreateDirectory(saved);
        Assert.Equal(0, docker.Docker("save", "--output", Path.Combine(saved, "image.tar"), image).ExitCode);
        Command.RunChecked("tar", "-C", saved, "-xf", Path.Combine(saved, "image.tar"));
        string[] files = [.. Directory.EnumerateFiles(saved, "layer.tar", SearchOption.AllDirectories)
            .SelectMany(layer => Command.RunChecked("tar", "-tvf", layer).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Where(l => l[0] is '-' or 'l').Select(l => "/" + l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5])];
        string[] libraries = [.. Command.RunChecked("ldd", DaemonProcess.BinaryPath).Split('\n')
            .Select(l => l.Trim().Split(' ')).Select(p => p.Length > 2 && p[1] == "=>" ? p[2] : p[0]).Where(p => p.StartsWith('/'))];
        string[] expected = ["/usr/lib/conntrackwatch/appsettings.json", "/usr/lib/conntrackwatch/conntrackwatch", .. libraries];
        Assert.Equal(expected.Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }

    // The pod's settings as docker run arguments, the node's state and pod-log directories replaced by the test's.
    private static JsonElement DockerRun(string node, string rendered, string image, string name, string state, string podLogs)
    {
        Command.Result result = Command.Run(node, Path.Combine(Checks, "docker-run.mjs"), rendered, "--image", image, "--name", name,
            "--remap", $"{StateHostPath}={state}", "--remap", $"{PodLogsHostPath}={podLogs}");
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    private static string Logs(DockerDaemon docker)
    {
        Command.Result logs = docker.Docker("logs", "cwpod");
        return logs.Output + logs.Error;
    }

    // promtool's linter and node_exporter's parser (the scrape written as a textfile) both take what /metrics serves.
    private static void AssertAccepted(string promtool, string metrics, TempDirectory directory)
    {
        var check = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        using (Process process = Process.Start(check)!)
        {
            process.StandardInput.Write(metrics);
            process.StandardInput.Close();
            string said = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"promtool check metrics: {said}");
        }

        string textfiles = directory.Combine("textfiles");
        Directory.CreateDirectory(textfiles);
        File.WriteAllText(Path.Combine(textfiles, "scraped.prom"), metrics);
        (string exported, _) = NodeExporterTests.ScrapeAsync(textfiles).GetAwaiter().GetResult();
        Assert.Contains("node_textfile_scrape_error 0", exported, StringComparison.Ordinal);
        Assert.Contains("conntrackwatch_max_entries 120", exported, StringComparison.Ordinal);
    }
}
