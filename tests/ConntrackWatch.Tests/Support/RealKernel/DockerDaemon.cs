using System.Diagnostics;
using System.Globalization;

namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>
/// A dockerd of the test's own: its data root under a host root of its own (so the daemon under test finds its
/// records through Conntrack:HostRoot), its own socket, exec root and bridge with an address on 10.231.x.0/24, no
/// iptables and the vfs storage driver (no mounts to undo). An image imported from busybox-static's binary, no
/// registry. Every container, the image, the daemon, the bridge and the directories go on dispose, whatever the
/// outcome.
/// </summary>
public sealed class DockerDaemon : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Process? _dockerd;
    private readonly string _docker;
    private readonly List<string> _containers = [];
    private readonly bool _bridgeMade;

    public DockerDaemon()
    {
        Prerequisite.RequireRoot();
        string dockerd = Prerequisite.RequireExecutable("dockerd");
        _docker = Prerequisite.RequireExecutable("docker");
        Prerequisite.Require(File.Exists("/bin/busybox") && IsStatic("/bin/busybox"), "needs busybox-static (/bin/busybox, statically linked) for the image");
        string unique = $"{Environment.ProcessId % 1000:000}{Random.Shared.Next(100):00}";
        Bridge = $"cwbr{unique}";
        int subnet = 1 + Random.Shared.Next(250);
        BridgeAddress = $"10.231.{subnet}.1";
        Image = $"conntrackwatch-test:{unique}";
        try
        {
            Command.RunChecked("ip", "link", "add", Bridge, "type", "bridge");
            _bridgeMade = true;
            Command.RunChecked("ip", "addr", "add", $"{BridgeAddress}/24", "dev", Bridge);
            Command.RunChecked("ip", "link", "set", Bridge, "up");
            Directory.CreateDirectory(DataRoot);
            // Passable, not listable, for the unit's user the tests run status as: a host's / is.
            File.SetUnixFileMode(_directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            // The host's cgroup tree where the daemon under test looks for it, under its host root, as the DaemonSet
            // mounts it: a link, which a recursive delete of the directory removes without following.
            Directory.CreateDirectory(Path.Combine(HostRoot, "sys/fs"));
            File.CreateSymbolicLink(Path.Combine(HostRoot, "sys/fs/cgroup"), "/sys/fs/cgroup");
            var start = new ProcessStartInfo(dockerd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in (string[])[
                $"--data-root={DataRoot}", $"--exec-root={_directory.Combine("exec")}", $"--pidfile={_directory.Combine("dockerd.pid")}",
                $"--host=unix://{Socket}", $"--bridge={Bridge}", "--iptables=false", "--ip6tables=false", "--ip-masq=false",
                "--userland-proxy=false", "--storage-driver=vfs", "--log-level=error", $"--config-file={WriteConfig()}"])
            {
                start.ArgumentList.Add(argument);
            }

            _dockerd = Process.Start(start)!;
            _dockerd.OutputDataReceived += (_, _) => { };
            _dockerd.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (Log) { Log.Add(e.Data); } } };
            _dockerd.BeginOutputReadLine();
            _dockerd.BeginErrorReadLine();
            DateTime deadline = DateTime.UtcNow.AddSeconds(60);
            while (Docker("version").ExitCode != 0)
            {
                if (_dockerd.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"dockerd did not start: {string.Join('\n', Log)}");
                }

                Thread.Sleep(200);
            }

            ImportBusybox();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What Conntrack:HostRoot is for the daemon under test: its var/lib/docker is this dockerd's data root.</summary>
    public string HostRoot => _directory.Combine("root");

    public string DataRoot => Path.Combine(HostRoot, "var/lib/docker");

    public string Socket => _directory.Combine("docker.sock");

    public string Bridge { get; }

    /// <summary>The host's address on the bridge: where the containers send.</summary>
    public string BridgeAddress { get; }

    public string Image { get; }

    public List<string> Log { get; } = [];

    /// <summary>Starts a container named <paramref name="name"/> running <paramref name="script"/> (busybox sh), and returns its address.</summary>
    public string Run(string name, string script)
    {
        _containers.Add(name);
        Command.Result run = Docker("run", "-d", "--name", name, Image, "/bin/sh", "-c", script);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker run {name} exited {run.ExitCode}: {run.Error} {string.Join('\n', Log)}");
        }

        return Docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", name).Output.Trim();
    }

    /// <summary>A container the test starts itself (docker run with arguments of its own): removed on dispose too.</summary>
    public void Removes(string name) => _containers.Add(name);

    public string Id(string name) => Docker("inspect", "-f", "{{.Id}}", name).Output.Trim();

    public Command.Result Docker(params string[] args) => Command.Run(_docker, ["--host", $"unix://{Socket}", .. args]);

    public void Dispose()
    {
        foreach (string container in _containers)
        {
            Docker("rm", "-f", container);
        }

        if (_dockerd is { HasExited: false })
        {
            Docker("rmi", "-f", Image);
            Command.Run("kill", "-TERM", _dockerd.Id.ToString(CultureInfo.InvariantCulture)); // it stops its containerd too
            if (!_dockerd.WaitForExit(20_000))
            {
                _dockerd.Kill(); // what it left is ended below
                _dockerd.WaitForExit(10_000);
            }
        }

        _dockerd?.Dispose();
        // The containerd it started, and any shim, run from its exec root: end them too.
        foreach (Process process in Process.GetProcesses())
        {
            try
            {
                if (File.ReadAllText($"/proc/{process.Id}/cmdline").Contains(_directory.Path, StringComparison.Ordinal))
                {
                    process.Kill();
                    process.WaitForExit(5_000);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
            finally
            {
                process.Dispose();
            }
        }

        if (_bridgeMade)
        {
            Command.Run("ip", "link", "delete", Bridge);
        }

        // vfs keeps no mounts, but a container's own (shm, the netns) may outlive a killed daemon: lazily unmount.
        foreach (string mount in File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(_directory.Path, StringComparison.Ordinal)).Reverse())
        {
            Command.Run("umount", "-l", mount);
        }

        _directory.Dispose();
    }

    private static bool IsStatic(string path) => !Command.Run("ldd", path).Output.Contains("=>", StringComparison.Ordinal);

    private string WriteConfig()
    {
        string path = _directory.Combine("daemon.json");
        File.WriteAllText(path, "{}\n");
        return path;
    }

    // A root filesystem of busybox alone, imported as an image: no registry is reachable.
    private void ImportBusybox()
    {
        string rootfs = _directory.Combine("rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin/busybox"));
        foreach (string applet in (string[])["sh", "tftp", "sleep", "seq", "kill"])
        {
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        }

        string tarball = _directory.Combine("rootfs.tar");
        Command.RunChecked("tar", "-C", rootfs, "-cf", tarball, ".");
        Command.Result imported = Docker("import", tarball, Image);
        if (imported.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker import exited {imported.ExitCode}: {imported.Error}");
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"dockerd on {Socket}");
}
