using ConntrackWatch.Configuration;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Tests.Configuration;

public sealed class JournaldOptionsTests
{
    private static Func<string, string?> Environment(params string[] set) =>
        name => set.Contains(name) ? "1" : null;

    [Theory]
    [InlineData(null, new string[0], false)]
    [InlineData(null, new[] { "JOURNAL_STREAM" }, true)]
    [InlineData(null, new[] { "INVOCATION_ID" }, true)]
    [InlineData(true, new string[0], true)]
    [InlineData(false, new[] { "JOURNAL_STREAM", "INVOCATION_ID" }, false)]
    public void LogsToJournaldUnderSystemdUnlessToldOtherwise(bool? enabled, string[] environment, bool expected)
    {
        Assert.Equal(expected, new JournaldOptions { Enabled = enabled }.UseJournald(Environment(environment)));
    }

    [Fact]
    public void RejectsARelativeSocketPathAndAnEmptyIdentifier()
    {
        ValidateOptionsResult result = new JournaldOptionsValidator().Validate(
            Options.DefaultName, new JournaldOptions { SocketPath = "journal.sock", SyslogIdentifier = " " });

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("Journald:SocketPath must be an absolute path", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Journald:SyslogIdentifier", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheDaemonExitsWith78OnAnInvalidJournaldKey()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 1, max: 100);
        await using var daemon = InProcessDaemon.Start(tree, null, "--Journald:Enabled=true", "--Journald:SocketPth=/x");

        Assert.Equal(78, await daemon.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains("Journald has keys ConntrackWatch does not know (a typo?): 'SocketPth'", daemon.Error.ToString(), StringComparison.Ordinal);
    }
}
