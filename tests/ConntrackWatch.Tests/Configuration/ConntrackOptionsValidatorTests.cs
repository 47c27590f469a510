using ConntrackWatch.Configuration;
using ConntrackWatch.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Tests.Configuration;

public sealed class ConntrackOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(ConntrackOptions options) =>
        new ConntrackOptionsValidator().Validate(Options.DefaultName, options);

    [Fact]
    public void AcceptsTheDefaults()
    {
        Assert.True(Validate(new ConntrackOptions()).Succeeded);
    }

    [Fact]
    public void ShippedAppSettingsMatchTheBuiltInDefaults()
    {
        // The shipped file documents the defaults; it must not silently disagree with the code.
        string shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        ConntrackOptions defaults = new();
        var fromFile = new ConntrackOptions();
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(shipped))).Build();
        OptionsBinding.Bind(configuration, fromFile);

        Assert.Equal(defaults.Describe(), fromFile.Describe());
    }

    [Fact]
    public void TheCommentedPerHostExampleLoadsAsIs()
    {
        string example = RepositoryFiles.PathOf("deploy/appsettings.example.json");
        var options = new ConntrackOptions();

        OptionsBinding.Bind(new ConfigurationBuilder().AddJsonFile(example).Build(), options);

        Assert.True(Validate(options).Succeeded);
    }

    [Theory]
    [InlineData(nameof(ConntrackOptions.PollInterval), "Conntrack:PollInterval must be between 00:00:00.1000000 and 01:00:00 (found 00:00:00)")]
    [InlineData(nameof(ConntrackOptions.HighWaterPercent), "Conntrack:HighWaterPercent must be between 1 and 99 (found 0)")]
    [InlineData(nameof(ConntrackOptions.MemoryCeilingPercent), "Conntrack:MemoryCeilingPercent must be between 1 and 95 (found 0)")]
    [InlineData(nameof(ConntrackOptions.BytesPerEntry), "Conntrack:BytesPerEntry must be between 64 and 65536 (found 0)")]
    [InlineData(nameof(ConntrackOptions.ProcRoot), "Conntrack:ProcRoot must be an absolute path such as /proc (found '')")]
    [InlineData(nameof(ConntrackOptions.CeilingRefreshInterval), "Conntrack:CeilingRefreshInterval must be between 00:00:01 and 7.00:00:00 (found 00:00:00)")]
    public void NamesTheKeyTheRangeAndTheValueFound(string key, string expected)
    {
        var options = new ConntrackOptions();
        switch (key)
        {
            case nameof(ConntrackOptions.PollInterval): options.PollInterval = TimeSpan.Zero; break;
            case nameof(ConntrackOptions.HighWaterPercent): options.HighWaterPercent = 0; break;
            case nameof(ConntrackOptions.MemoryCeilingPercent): options.MemoryCeilingPercent = 0; break;
            case nameof(ConntrackOptions.BytesPerEntry): options.BytesPerEntry = 0; break;
            case nameof(ConntrackOptions.ProcRoot): options.ProcRoot = ""; break;
            case nameof(ConntrackOptions.CeilingRefreshInterval): options.CeilingRefreshInterval = TimeSpan.Zero; break;
        }

        ValidateOptionsResult result = Validate(options);

        Assert.True(result.Failed);
        Assert.Equal([expected + "."], result.Failures);
    }

    [Fact]
    public void RejectsAMultiplierThatWouldNotRaiseTheMax()
    {
        ValidateOptionsResult result = Validate(new ConntrackOptions { HighWaterPercent = 80, RaiseMultiplier = 1.25 });

        Assert.Contains("Choose RaiseMultiplier above 1.25", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.True(Validate(new ConntrackOptions { HighWaterPercent = 80, RaiseMultiplier = 1.3 }).Succeeded);
    }

    [Fact]
    public void ReportsEveryProblemAtOnce()
    {
        ValidateOptionsResult result = Validate(new ConntrackOptions { HighWaterPercent = 0, MemoryCeilingPercent = 99, WindowLength = TimeSpan.Zero });

        Assert.Equal(3, result.Failures!.Count());
    }
}
