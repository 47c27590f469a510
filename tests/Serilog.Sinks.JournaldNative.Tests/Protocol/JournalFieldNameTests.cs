using Serilog.Sinks.JournaldNative.Protocol;

namespace Serilog.Sinks.JournaldNative.Tests.Protocol;

public sealed class JournalFieldNameTests
{
    [Theory]
    [InlineData("OldMax", "OLD_MAX")]
    [InlineData("ConntrackCount", "CONNTRACK_COUNT")]
    [InlineData("MessageId", "MESSAGE_ID")]
    [InlineData("oldMax", "OLD_MAX")]
    [InlineData("HTTPStatus", "HTTP_STATUS")]
    [InlineData("Ipv4Address", "IPV4_ADDRESS")]
    [InlineData("user.id", "USER_ID")]
    [InlineData("_private", "PRIVATE")]
    [InlineData("__Double__Under", "DOUBLE_UNDER")]
    [InlineData("2fast", "F_2FAST")]
    [InlineData("ALREADY_SNAKE", "ALREADY_SNAKE")]
    [InlineData("naïve", "NA_VE")]
    public void ConvertsPropertyNamesToUpperSnakeCase(string property, string expected)
    {
        string? field = JournalFieldName.FromPropertyName(property);

        Assert.Equal(expected, field);
        Assert.True(JournalFieldName.IsValid(field));
    }

    [Theory]
    [InlineData("")]
    [InlineData("___")]
    [InlineData("!!!")]
    public void GivesNothingWhenNoValidCharacterIsLeft(string property)
    {
        Assert.Null(JournalFieldName.FromPropertyName(property));
    }

    [Fact]
    public void TruncatesToSixtyFourCharacters()
    {
        string? field = JournalFieldName.FromPropertyName(new string('a', 100));

        Assert.Equal(64, field!.Length);
    }

    [Theory]
    [InlineData("MESSAGE", true)]
    [InlineData("_PID", false)]
    [InlineData("1ABC", false)]
    [InlineData("lower", false)]
    [InlineData("A-B", false)]
    [InlineData("", false)]
    public void KnowsWhatJournaldAccepts(string name, bool valid)
    {
        Assert.Equal(valid, JournalFieldName.IsValid(name));
    }
}
