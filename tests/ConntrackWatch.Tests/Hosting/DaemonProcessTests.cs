using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>The built binary as a real process: signals, exit codes, environment, privileges.</summary>
[Collection(SerialTests.Name)]
public sealed class DaemonProcessTests
{
    [Theory]
    [InlineData(DaemonProcess.Sigterm)]
    [InlineData(DaemonProcess.Sigint)]
    public async Task StopsCleanlyWithExitCodeZeroOnSignal(int signal)
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        using var daemon = DaemonProcess.Start([$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.200"]);
        await daemon.WaitForErrorTextAsync("Conntrack found");

        daemon.Signal(signal);

        Assert.Equal(0, await daemon.WaitForExitAsync());
        Assert.Contains("ConntrackWatch stopping", daemon.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritesOneJsonObjectPerLineWithTheJournalsFieldsWhereNeitherJournaldNorATerminalIsThere()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        using var daemon = DaemonProcess.Start(
            [$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.200", "--Conntrack:StateDirectory="],
            new Dictionary<string, string> { ["CONNTRACKWATCH_Logging__Format"] = "Auto" }); // standard error is a pipe here

        await daemon.WaitForErrorTextAsync("Raised nf_conntrack_max from 100 to 120");
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());

        System.Text.Json.JsonElement[] events = [.. daemon.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.Clone())];
        System.Text.Json.JsonElement raised = events.Single(e => e.TryGetProperty("MESSAGE_ID", out var id) && id.GetString() == ConntrackWatch.Logging.MessageIds.ByEventId[ConntrackWatch.Logging.LogEvents.Raised]);
        Assert.StartsWith("Raised nf_conntrack_max from 100 to 120: ", raised.GetProperty("@m").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, raised.GetProperty("PRIORITY").GetInt32());
        Assert.Equal("Warning", raised.GetProperty("@l").GetString());
        Assert.Equal((100, 120, 65), (raised.GetProperty("OldMax").GetInt64(), raised.GetProperty("NewMax").GetInt64(), raised.GetProperty("ConntrackCount").GetInt64()));
        Assert.Contains(events, e => e.GetProperty("@m").GetString()!.StartsWith("ConntrackWatch stopping", StringComparison.Ordinal));
        // The message as the journal has it: a string value is not quoted inside the sentence.
        System.Text.Json.JsonElement found = events.Single(e => e.GetProperty("@m").GetString()!.StartsWith("Conntrack found", StringComparison.Ordinal));
        Assert.Equal(
            $"Conntrack found: layout sys/net/netfilter/nf_conntrack_max, maximum in {found.GetProperty("MaxPath").GetString()}, count source {found.GetProperty("CountSource").GetString()} reading {found.GetProperty("CountPath").GetString()}",
            found.GetProperty("@m").GetString());
        Assert.Matches("^[0-9a-f]{8}$", found.GetProperty("@i").GetString());
    }

    [Fact]
    public async Task ServesTheTextfilesMetricsAndItsHealthOverHttp()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        using var textfile = new TempDirectory();
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var daemon = DaemonProcess.Start(
            [$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:30", $"--Metrics:TextfilePath={textfile.Path}", $"--Metrics:Listen=127.0.0.1:{port}"]);
        await daemon.WaitForErrorTextAsync($"Serving /metrics and /healthz on http://127.0.0.1:{port}/");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        CancellationToken cancel = TestContext.Current.CancellationToken;

        string scraped = await client.GetStringAsync("/metrics", cancel);
        string health = await client.GetStringAsync("/healthz", cancel);

        // One poll in 30 s: the scrape and the file are of the same one.
        Assert.Equal(File.ReadAllText(textfile.Combine("conntrackwatch.prom")), scraped);
        Assert.Contains("conntrackwatch_entries 10\n", scraped, StringComparison.Ordinal);
        Assert.Equal("ok\n", health);
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task TellsSystemdItIsReadyAliveReloadingAndStopping()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        using var notify = new NotifySocket();
        using var daemon = DaemonProcess.Start(
            [$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.200"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.EnvironmentValue, ["WATCHDOG_USEC"] = "2000000" });

        // The first poll, then READY=1 (the host's systemd lifetime, once the worker's start has polled), before a second poll.
        Assert.StartsWith("STATUS=count 10 of max 100 (10.0%), ceiling ", notify.Receive(), StringComparison.Ordinal);
        Assert.Equal("READY=1", notify.Receive());
        notify.ReceiveUntil("WATCHDOG=1");

        daemon.Signal(DaemonProcess.Sighup);
        notify.ReceiveUntil("RELOADING=1\nMONOTONIC_USEC=");
        notify.ReceiveUntil("READY=1");
        await daemon.WaitForErrorTextAsync("Reload requested (SIGHUP)");
        Assert.False(daemon.HasExited);

        daemon.Signal(DaemonProcess.Sigterm);
        notify.ReceiveUntil("STATUS=stopping");
        notify.ReceiveUntil("STOPPING=1");
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task ExitsWith78OnInvalidConfiguration()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        using var daemon = DaemonProcess.Start([$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:HighWaterPercent=120"]);

        Assert.Equal(78, await daemon.WaitForExitAsync());
        Assert.Contains("Conntrack:HighWaterPercent must be between 1 and 99 (found 120)", daemon.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", daemon.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", daemon.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TakesSettingsFromPrefixedEnvironmentVariables()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        using var daemon = DaemonProcess.Start([], new Dictionary<string, string>
        {
            ["CONNTRACKWATCH_Conntrack__ProcRoot"] = tree.Root,
            ["CONNTRACKWATCH_Conntrack__DryRun"] = "true",
            ["CONNTRACKWATCH_Conntrack__PollInterval"] = "00:00:00.200",
        });

        await daemon.WaitForErrorTextAsync("would raise nf_conntrack_max from 100 to 120");

        Assert.Equal(100, tree.ReadNumber(FakeProcTree.ModernMax));
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task CommandLineWinsOverEnvironment()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        using var daemon = DaemonProcess.Start(
            [$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:DryRun=false", "--Conntrack:PollInterval=00:00:00.200"],
            new Dictionary<string, string> { ["CONNTRACKWATCH_Conntrack__DryRun"] = "true" });

        await daemon.WaitForErrorTextAsync("Raised nf_conntrack_max from 100 to 120");

        Assert.Equal(120, tree.ReadNumber(FakeProcTree.ModernMax));
    }

    [Fact]
    public async Task KeepsRunningWhenAnUnprivilegedUserCannotReadTheCount()
    {
        Prerequisite.RequireRoot();
        string setpriv = Prerequisite.RequireExecutable("setpriv");
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        MakeTraversable(tree.Root);
        File.SetUnixFileMode(tree.PathOf(FakeProcTree.ModernCount), UnixFileMode.UserRead); // root only, like the table
        using TempDirectory binary = BinaryForNobody();

        using NotifySocket notify = new NotifySocket().OpenToEveryone();
        using var daemon = DaemonProcess.Start(
            [$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.100"],
            new Dictionary<string, string> { ["HOME"] = "/tmp", ["NOTIFY_SOCKET"] = notify.EnvironmentValue },
            wrapper: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"],
            binary: Path.Combine(binary.Path, "conntrackwatch"));

        await daemon.WaitForErrorTextAsync("permission denied");
        notify.ReceivePolls(5); // five more polls met the same fault

        Assert.False(daemon.HasExited, daemon.Error);
        Assert.Contains(tree.PathOf(FakeProcTree.ModernCount), daemon.Error, StringComparison.Ordinal);
        Assert.Contains("Run ConntrackWatch as root", daemon.Error, StringComparison.Ordinal);
        Assert.Equal(1, CountOccurrences(daemon.Error, "permission denied"));
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task NamesTheRemedyWhenSysctlsAreMountedReadOnly()
    {
        // What ProtectKernelTunables=yes without ReadWritePaths=, or a container's read-only /proc/sys, does: EROFS.
        Prerequisite.RequireRoot();
        string unshare = Prerequisite.RequireExecutable("unshare");
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        string sys = tree.PathOf("sys");

        using var notify = new NotifySocket();
        using var daemon = DaemonProcess.Start(
            [$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.100"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.EnvironmentValue },
            wrapper: [unshare, "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$@\"", sys]);

        await daemon.WaitForErrorTextAsync("Cannot write");
        notify.ReceivePolls(3);

        Assert.Contains("read-only file system", daemon.Error, StringComparison.Ordinal);
        Assert.Contains("Conntrack:DryRun=true", daemon.Error, StringComparison.Ordinal);
        Assert.False(daemon.HasExited, daemon.Error);
        Assert.Equal(100, tree.ReadNumber(FakeProcTree.ModernMax));
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task SaysADirectoryItCannotEnterIsNoMissingModule()
    {
        Prerequisite.RequireRoot();
        string setpriv = Prerequisite.RequireExecutable("setpriv");
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100);
        MakeTraversable(tree.Root);
        File.SetUnixFileMode(tree.PathOf("sys/net/netfilter"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using TempDirectory binary = BinaryForNobody();

        using var status = DaemonProcess.Start(
            ["status", $"--Conntrack:ProcRoot={tree.Root}"],
            new Dictionary<string, string> { ["HOME"] = "/tmp" },
            wrapper: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"],
            binary: Path.Combine(binary.Path, "conntrackwatch"));

        Assert.Equal(3, await status.WaitForExitAsync());
        Assert.Contains($"{tree.PathOf(FakeProcTree.ModernMax)} cannot be reached: permission denied on a directory above it", status.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("module is not loaded", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamesAnUnknownSectionInTheEnvironment()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100);

        using var status = DaemonProcess.Start(
            ["status", $"--Conntrack:ProcRoot={tree.Root}"],
            new Dictionary<string, string> { ["CONNTRACKWATCH_Contrack__DryRun"] = "true" });

        Assert.Equal(78, await status.WaitForExitAsync());
        Assert.Contains("Contrack (in the CONNTRACKWATCH_* environment) is no section ConntrackWatch reads", status.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(">/dev/full", "No space left on device")]
    [InlineData(">&-", "standard output is closed")]
    public async Task StatusSaysUnknownWhenItCannotPrint(string redirection, string problem)
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100);

        using var status = DaemonProcess.Start(
            ["status", $"--Conntrack:ProcRoot={tree.Root}"], wrapper: ["sh", "-c", $"exec \"$0\" \"$@\" {redirection}"]);

        Assert.Equal(3, await status.WaitForExitAsync());
        Assert.Contains($"conntrackwatch: cannot print the status to standard output: {problem}", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsWithoutAStandardOutput()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        using var notify = new NotifySocket();

        using var daemon = DaemonProcess.Start(
            [$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.100"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.EnvironmentValue },
            wrapper: ["sh", "-c", "exec \"$0\" \"$@\" >&-"]);

        notify.ReceivePolls(3);
        Assert.Equal(120, tree.ReadNumber(FakeProcTree.ModernMax));
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task KeepsItsPoolThreadsRatherThanEndingIdleOnesAndMakingNew()
    {
        // Every thread made anew left resident memory behind, and by default the pool ends a worker idle for 20 s
        // and makes another at the next burst: hours of polls grew the daemon. Here an idle worker would end after
        // 100 ms (ThreadTimeoutMs), well within the 300 ms between polls; the binary's own setting keeps them all.
        using FakeProcTree tree = FakeProcTree.Modern(count: 5, max: 100);
        using var notify = new NotifySocket();
        using var daemon = DaemonProcess.Start(
            [$"--Conntrack:ProcRoot={tree.Root}", "--Conntrack:PollInterval=00:00:00.300"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.EnvironmentValue, ["DOTNET_ThreadPool_ThreadTimeoutMs"] = "100" });

        notify.ReceivePolls(3);
        int[] before = PoolWorkers(daemon.Pid);
        notify.ReceivePolls(10);
        int[] after = PoolWorkers(daemon.Pid);

        Assert.NotEmpty(before);
        Assert.Empty(before.Except(after));
        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    private static int[] PoolWorkers(int pid) =>
    [
        .. Directory.EnumerateDirectories($"/proc/{pid}/task")
            .Where(task => File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET TP Worker", StringComparison.Ordinal))
            .Select(task => int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture)),
    ];

    [Fact]
    public async Task RunsInARootFilesystemOfNothingButTheLibrariesItLinks()
    {
        // What the package depends on (its shlibs: libc, libm) and nothing else, no libssl, no ICU, with the /dev
        // and /proc every container has. A proc root of its own makes the daemon name its lock by a hash, which
        // once took .NET's OpenSSL-backed SHA-256 and stopped it there.
        Prerequisite.RequireRoot();
        string chroot = Prerequisite.RequireExecutable("chroot");
        string ldd = Prerequisite.RequireExecutable("ldd");
        string unshare = Prerequisite.RequireExecutable("unshare");
        using var root = new TempDirectory();
        File.SetUnixFileMode(root.Path, (UnixFileMode)0b111_101_101);
        foreach (string library in Command.RunChecked(ldd, DaemonProcess.BinaryPath).Split('\n')
                     .Select(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(word => word.StartsWith('/')))
                     .OfType<string>())
        {
            CopyInto(root.Path, library);
        }

        string binary = "/usr/sbin/conntrackwatch";
        CopyInto(root.Path, DaemonProcess.BinaryPath, binary);
        CopyInto(root.Path, Path.Combine(ShippedBinary.Directory, "appsettings.json"), "/usr/sbin/appsettings.json");
        using FakeProcTree tree = FakeProcTree.Modern(count: 65, max: 100);
        Command.RunChecked("cp", "-a", tree.Root, root.Combine("proc-tree"));
        Assert.Equal(["ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6"],
            Directory.EnumerateFiles(root.Path, "*.so*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Directory.CreateDirectory(root.Combine("dev"));
        Directory.CreateDirectory(root.Combine("proc"));

        // In a mount namespace of its own, so the mounts go with the process: a container's /dev and /proc.
        const string Mount = """
            mount -t tmpfs tmpfs "$ROOT/dev" && for d in null zero urandom random; do touch "$ROOT/dev/$d" && mount --bind "/dev/$d" "$ROOT/dev/$d" || exit 1; done \
                && mount -t proc proc "$ROOT/proc" && exec "$CHROOT" "$ROOT" "$@"
            """;
        using var daemon = DaemonProcess.Start(
            ["--Conntrack:ProcRoot=/proc-tree", "--Conntrack:PollInterval=00:00:00.200", "--Conntrack:DryRun=true"],
            new Dictionary<string, string> { ["RUNTIME_DIRECTORY"] = "/run/conntrackwatch", ["ROOT"] = root.Path, ["CHROOT"] = chroot },
            wrapper: [unshare, "--mount", "--propagation", "private", "sh", "-c", Mount, "sh"],
            binary: binary);
        await daemon.WaitForErrorTextAsync("would raise nf_conntrack_max from 100 to 120");
        Assert.Single(Directory.GetFiles(root.Combine("run/conntrackwatch"), "daemon-*.lock"));

        daemon.Signal(DaemonProcess.Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
        Assert.DoesNotContain("libssl", daemon.Error, StringComparison.Ordinal);
    }

    private static void CopyInto(string root, string file, string? asPath = null)
    {
        string target = root + (asPath ?? file);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target);
    }

    /// <summary>A copy of the binary that nobody can run, in a directory of its own, whatever the checkout's permissions.</summary>
    internal static TempDirectory BinaryForNobody()
    {
        var binary = new TempDirectory();
        // The Native AOT binary is one file, beside its appsettings.json.
        foreach (string file in new[] { DaemonProcess.BinaryPath, Path.Combine(ShippedBinary.Directory, "appsettings.json") })
        {
            File.Copy(file, Path.Combine(binary.Path, Path.GetFileName(file)));
        }

        MakeTraversable(binary.Path);
        File.SetUnixFileMode(Path.Combine(binary.Path, "conntrackwatch"), (UnixFileMode)0b111_101_101);
        return binary;
    }

    internal static void MakeTraversable(string directory)
    {
        foreach (string path in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Append(directory))
        {
            File.SetUnixFileMode(path, Directory.Exists(path)
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    private static int CountOccurrences(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;
}
