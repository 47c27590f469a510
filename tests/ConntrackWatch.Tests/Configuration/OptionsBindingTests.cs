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

    [Fact]
    public void AValueOfTheWrongKindIsNamedWithItsKeyValueAndType()
    {
        string failure = Assert.Single(Refused(("Conntrack:PollInterval", "five seconds")).Failures);

        Assert.Contains("'five seconds'", failure, StringComparison.Ordinal);
        Assert.Contains("Conntrack:PollInterval", failure, StringComparison.Ordinal);
        Assert.Contains("TimeSpan", failure, StringComparison.Ordinal);
    }
}
