using System.Diagnostics;
using System.Text.Json;

namespace ConntrackWatch.Tests.Support;

/// <summary>
/// A real systemd-journald serving its own journal namespace, as systemd-journald@NAME.service runs it, read
/// back with journalctl. Stopped and its journal files and sockets removed on dispose, whatever the outcome.
/// </summary>
public sealed class JournaldNamespace : IDisposable
{
    private static readonly string[] DaemonCandidates = ["/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"];
    private Process? _daemon;

    public JournaldNamespace()
    {
        Name = $"cwtest{Environment.ProcessId}x{Random.Shared.Next(100_000, 999_999)}";
    }

    public string Name { get; }

    public string SocketPath => $"/run/systemd/journal.{Name}/socket";

    public static string? DaemonPath => DaemonCandidates.FirstOrDefault(File.Exists);

    public async Task StartAsync()
    {
        _daemon = Process.Start(new ProcessStartInfo(DaemonPath!, Name) { UseShellExecute = false, RedirectStandardError = true })!;
        await Eventually.TrueAsync(() => File.Exists(SocketPath), $"journald created {SocketPath}");
    }

    public void Stop()
    {
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill();
            _daemon.WaitForExit(10_000);
        }

        _daemon?.Dispose();
        _daemon = null;
    }

    /// <summary>Every entry of the namespace, as journalctl -o json prints them (with --all: no field is elided).</summary>
    public IReadOnlyList<JsonElement> Entries()
    {
        var start = new ProcessStartInfo("journalctl")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { $"--namespace={Name}", "-o", "json", "--all", "--no-pager" })
        {
            start.ArgumentList.Add(arg);
        }

        using Process journalctl = Process.Start(start)!;
        string output = journalctl.StandardOutput.ReadToEnd();
        journalctl.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
    }

    public void Dispose()
    {
        Stop();
        string machineId = File.ReadAllText("/etc/machine-id").Trim();
        foreach (string directory in new[]
                 {
                     $"/var/log/journal/{machineId}.{Name}", $"/run/log/journal/{machineId}.{Name}", $"/run/systemd/journal.{Name}",
                 })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
