using ConntrackWatch.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Tests.Configuration;

public sealed class OptionsBindingTests
{
    private static OptionsValidationException Refused(params (string Key, string? Value)[] values)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        return Assert.Throws<OptionsValidationException>(() => OptionsBinding.Bind(configuration, new ConntrackOptions()));
    }

    [Fact]
    public void NamesEveryUnknownKeyInOrderAndEveryEmptyValueAtOnceBeforeBinding()
    {
        OptionsValidationException refused = Refused(
            ("Conntrack:PollIntervall", "00:00:05"), ("Conntrack:HighWater", "60"), ("Conntrack:WindowLength", ""));

        Assert.Equal(
            [
                $"Conntrack has keys ConntrackWatch does not know (a typo?): 'HighWater', 'PollIntervall'. Valid keys: {string.Join(", ", OptionsBinding.ConntrackKeys)}.",
                "Conntrack:WindowLength is empty (or null): give it a value, or leave the key out for its default.",
            ],
            refused.Failures);
    }

    [Theory]
    [InlineData("Conntrack:PollInterval", "five seconds", "a duration is written [d.]hh:mm:ss[.fff], e.g. 00:00:05 for five seconds or 1.00:00:00 for a day")]
    [InlineData("Conntrack:HighWaterPercent", "60%", "give a whole number, e.g. 60")]
    [InlineData("Conntrack:BytesPerEntry", "3e2", "give a whole number, e.g. 60")]
    [InlineData("Conntrack:RaiseMultiplier", "2,5", "give a number with a dot before its decimals, e.g. 2.0")]
    [InlineData("Conntrack:DryRun", "yes", "give true or false")]
    [InlineData("Conntrack:Namespaces", "every", "give one of All, Host")]
    [InlineData("Conntrack:CountSource", "1", "give one of Auto, CountFile, Table")]
    public void AValueOfTheWrongKindIsRefusedBeforeBindingWithItsKeyValueAndHowToWriteIt(string key, string value, string expected)
    {
        string failure = Assert.Single(Refused((key, value)).Failures);

        Assert.Equal($"{key} is '{value}': {expected}.", failure);
    }

    [Fact]
    public void ValuesOfTheRightKindBindAsTheBinderReadsThem()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Conntrack:PollInterval"] = " 00:00:02 ", ["Conntrack:RaiseMultiplier"] = "1.5", ["Conntrack:Namespaces"] = "host",
            ["Conntrack:DryRun"] = "True", ["Conntrack:HighWaterPercent"] = "-0",
        }).Build();
        var options = new ConntrackOptions();

        OptionsBinding.Bind(configuration, options);

        Assert.Equal((TimeSpan.FromSeconds(2), 1.5, ConntrackWatch.Kernel.Namespaces.NamespaceMode.Host, true, 0),
            (options.PollInterval, options.RaiseMultiplier, options.Namespaces, options.DryRun, options.HighWaterPercent));
    }

    [Fact]
    public void AValueWithControlBytesIsShownEscaped()
    {
        string failure = Assert.Single(Refused(("Conntrack:DryRun", "no\u001b[2J")).Failures);

        Assert.Equal("Conntrack:DryRun is 'no\\x1b[2J': give true or false.", failure);
    }
}
