using ConntrackWatch.Logging;

namespace ConntrackWatch.Tests.Configuration;

/// <summary>
/// Every way a configuration can be wrong ends in exit code 78 at start with a message naming the file or key and
/// the fix, never a hang, a crash or a value silently ignored.
/// </summary>
public sealed class HostileConfigurationTests
{
    private static async Task<(int ExitCode, string Error)> StatusAsync(InProcessDaemon run)
    {
        await using (run)
        {
            int exitCode = await run.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return (exitCode, run.Error.ToString());
        }
    }

    private static Task<(int ExitCode, string Error)> WithHostFileAsync(Action<string> prepare, params string[] args) =>
        StatusAsync(InProcessDaemon.StartWithHostFile(prepare, ["status", .. args]));

    [Fact]
    public async Task NamesTheFileLineAndPositionOfBrokenJson()
    {
        string? path = null;
        (int exitCode, string error) = await WithHostFileAsync(p => File.WriteAllText(path = p, "{ \"Conntrack\": { \"HighWaterPercent\": 7 x\n"));

        Assert.Equal(78, exitCode);
        Assert.Contains($"cannot parse {path}: line 1, position 40:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fifo", "not a regular file but a FIFO")]
    [InlineData("/dev/zero", "not a regular file but a character device")]
    [InlineData("huge", "larger than 1024 KiB, which no configuration file is")]
    public async Task RefusesAHostFileThatIsNoFileWithoutHanging(string kind, string expected)
    {
        (int exitCode, string error) = await WithHostFileAsync(path =>
        {
            switch (kind)
            {
                case "fifo":
                    Command.RunChecked("mkfifo", path);
                    break;
                case "huge":
                    File.WriteAllText(path, "{ \"Conntrack\": {} }" + new string(' ', 2 * 1024 * 1024));
                    break;
                default:
                    File.CreateSymbolicLink(path, kind);
                    break;
            }
        });

        Assert.Equal(78, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Contrack:DryRun=true", "Contrack (in the command line) is no section ConntrackWatch reads")]
    [InlineData("--Logging:LogLevel:Default=Debug", "Logging has keys ConntrackWatch does not know (a typo?): 'LogLevel'. Valid keys: Format.")]
    [InlineData("--Conntrack:PollInterval=", "Conntrack:PollInterval is empty (or null)")]
    [InlineData("--Journald:SocketPath=/run/a-very-long-directory-name-for-a-journal-socket/that-goes-on-and-on-and-on-and-on-and-on/socket-file-too", "a Unix socket path holds at most 107")]
    public async Task RejectsACommandLineSettingItWouldOtherwiseIgnore(string arg, string expected)
    {
        (int exitCode, string error) = await WithHostFileAsync(_ => { }, arg);

        Assert.Equal(78, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Contrack": { "DryRun": true } }""", "Contrack (in {0}) is no section ConntrackWatch reads")]
    [InlineData("""{ "Conntrack": { "HighWaterPercent": null } }""", "Conntrack:HighWaterPercent is empty (or null)")]
    [InlineData("""{ "Conntrack": { "HighWaterPercent": [70, 80] } }""", "Conntrack:HighWaterPercent must be a single value, not a list or an object")]
    [InlineData("""{ "Conntrack": { "DryRun": { "on": true } } }""", "Conntrack:DryRun must be a single value, not a list or an object")]
    public async Task RejectsAJsonValueOrSectionItWouldOtherwiseIgnore(string json, string expected)
    {
        string? path = null;
        (int exitCode, string error) = await WithHostFileAsync(p => File.WriteAllText(path = p, json));

        Assert.Equal(78, exitCode);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TakesAnEmptyOptionalKeyAsLeftOut()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100);

        (int exitCode, string error) = await WithHostFileAsync(
            path => File.WriteAllText(path, """{ "Conntrack": { "BytesPerEntry": null }, "Metrics": { "TextfilePath": "" } }"""),
            $"--Conntrack:ProcRoot={tree.Root}");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task RejectsAFifoPutInPlaceOfThePerHostFileWhileRunning()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 10, max: 100);
        await using var daemon = InProcessDaemon.Start(tree, """{ "Conntrack": { "HighWaterPercent": 70 } }""");
        await daemon.Sink.WaitForEventAsync(LogEvents.Started);

        // Put in place in one step: a delete then a create would be two changes, the second maybe while the first reloads.
        Command.RunChecked("mkfifo", daemon.HostConfigPath + ".fifo");
        File.Move(daemon.HostConfigPath + ".fifo", daemon.HostConfigPath, overwrite: true);

        var rejected = await daemon.Sink.WaitForEventAsync(LogEvents.ConfigurationRejected);
        Assert.Contains("not a regular file but a FIFO", rejected.RenderMessage(), StringComparison.Ordinal);
        await daemon.WaitForMorePollsAsync(2); // still polling
    }
}
