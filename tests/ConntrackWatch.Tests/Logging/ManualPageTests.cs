using ConntrackWatch.Configuration;
using ConntrackWatch.Logging;

namespace ConntrackWatch.Tests.Logging;

/// <summary>conntrackwatch(8) documents every configuration key and every journal MESSAGE_ID there is.</summary>
public sealed class ManualPageTests
{
    private static readonly string[] Lines = File.ReadAllLines(RepositoryFiles.PathOf("deploy/conntrackwatch.8"));

    public static TheoryData<string> Keys => [.. OptionsBinding.ConntrackKeys, .. OptionsBinding.JournaldKeys, .. OptionsBinding.MetricsKeys, .. OptionsBinding.LoggingKeys];

    [Theory]
    [MemberData(nameof(Keys))]
    public void DocumentsEveryConfigurationKey(string key)
    {
        Assert.Contains($".B {key}", Lines);
    }

    [Fact]
    public void ListsEveryMessageId()
    {
        Assert.All(MessageIds.ByEventId.Values, id => Assert.Contains($".B {id}", Lines));
    }

    [Theory]
    [InlineData("NAME")]
    [InlineData("SYNOPSIS")]
    [InlineData("EXIT STATUS")]
    [InlineData("CONFIGURATION")]
    [InlineData("FILES")]
    [InlineData("JOURNAL")]
    [InlineData("EXAMPLES")]
    public void HasTheSectionsAnAdminLooksFor(string section)
    {
        Assert.Contains($".SH {section}", Lines);
    }
}
