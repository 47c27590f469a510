using System.Text.RegularExpressions;

namespace ConntrackWatch.Tests.Hosting;

public sealed partial class CommandLineTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        await using var run = InProcessDaemon.StartWithArgs(args);
        int exitCode = await run.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return (exitCode, run.Output.ToString(), run.Error.ToString());
    }

    [Fact]
    public async Task PrintsTheVersionOfTheDebianChangelog()
    {
        string changelog = File.ReadAllText(RepositoryFiles.PathOf("deploy/debian/changelog"));
        string version = ChangelogVersion().Match(changelog).Groups[1].Value;

        (int exitCode, string output, _) = await RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Equal($"conntrackwatch {version}\n", output);
    }

    [Theory]
    [InlineData("--dry-run", "--Conntrack:DryRun=true")]
    [InlineData("status", "--bogus", "--Conntrack:ProcRoot=/tmp/tree")]
    [InlineData("--Conntrack:DryRun", "true")]
    [InlineData("status", "--json", "Conntrack:DryRun=true")]
    [InlineData("--version", "--json")]
    public async Task RefusesAnArgumentThatIsNoSettingInsteadOfSwallowingTheNext(params string[] args)
    {
        (int exitCode, string output, string error) = await RunAsync(args);

        Assert.Equal(64, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Contains("conntrackwatch: unknown argument '", error, StringComparison.Ordinal);
        Assert.Contains("Usage: conntrackwatch", error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^conntrackwatch \(([^)]+)\)")]
    private static partial Regex ChangelogVersion();
}
