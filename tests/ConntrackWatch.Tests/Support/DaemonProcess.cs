using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace ConntrackWatch.Tests.Support;

/// <summary>The conntrackwatch binary as a child process, as systemd or an admin starts it: the Native AOT one that ships.</summary>
public sealed partial class DaemonProcess : IDisposable
{
    public const int Sigterm = 15;
    public const int Sigkill = 9;
    public const int Sigint = 2;
    public const int Sighup = 1;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private DaemonProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The Native AOT binary, as it ships (<see cref="ShippedBinary"/>).</summary>
    public static string BinaryPath => ShippedBinary.Path;

    public string Output => Read(_output);

    public string Error => Read(_error);

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the binary, optionally under a wrapper such as setpriv, with extra environment.</summary>
    public static DaemonProcess Start(
        IEnumerable<string> args, IDictionary<string, string>? environment = null, string[]? wrapper = null, string? binary = null)
    {
        string[] command = [.. wrapper ?? [], binary ?? BinaryPath, .. args];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in command[1..])
        {
            start.ArgumentList.Add(arg);
        }

        // No diagnostics IPC socket: the tests may run the binary as a user that cannot write to /tmp's owner files.
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        // Log to standard error, where the tests read, even when the test runner itself runs under systemd.
        start.Environment.Remove("JOURNAL_STREAM");
        start.Environment.Remove("INVOCATION_ID");
        start.Environment.Remove("NOTIFY_SOCKET");
        start.Environment.Remove("WATCHDOG_USEC");
        start.Environment.Remove("WATCHDOG_PID");
        // Standard error here is a pipe, not a terminal: text lines unless a test asks for JSON (its own tests do).
        start.Environment["CONNTRACKWATCH_Logging__Format"] = "Text";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new DaemonProcess(new Process { StartInfo = start });
    }

    /// <summary>Waits until standard output holds <paramref name="text"/>; throws when the process exits without it.</summary>
    public async Task WaitForOutputTextAsync(string text, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() => Output.Contains(text, StringComparison.Ordinal) || HasExited,
            $"stdout contains '{text}'. It has:\n{Output}", timeout ?? TimeSpan.FromSeconds(30));
        if (!Output.Contains(text, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"exited before printing '{text}': {Error}");
        }
    }

    public async Task WaitForErrorTextAsync(string text, TimeSpan? timeout = null) =>
        await Eventually.TrueAsync(() => Error.Contains(text, StringComparison.Ordinal),
            $"stderr contains '{text}'. It has:\n{Error}", timeout ?? TimeSpan.FromSeconds(30));

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
