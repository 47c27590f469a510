using System.Text;
using ConntrackWatch.Text;

namespace ConntrackWatch.Tests.Text;

public sealed class ExternalTextTests
{
    [Theory]
    [InlineData("x\nSTOPPING=1\nx", @"x\x0aSTOPPING=1\x0ax")]
    [InlineData("\u001b]0;owned\u0007\u001b[2J", @"\x1b]0;owned\x07\x1b[2J")]
    [InlineData("tab\there\rdel\u007f", @"tab\x09here\x0ddel\x7f")]
    [InlineData("c1\u0085\u009b", @"c1\u0085\u009b")]
    [InlineData("evil\u202egnp.exe\u2066x\u2069\u200f", @"evil\u202egnp.exe\u2066x\u2069\u200f")]
    [InlineData("line\u2028sep", @"line\u2028sep")]
    [InlineData("caf\u00e9 \u4e2d\u6587 \U0001F600 back\\slash", "caf\u00e9 \u4e2d\u6587 \U0001F600 back\\slash")]
    public void EscapesControlAndBidiCharactersVisiblyAndKeepsPrintableText(string raw, string expected)
    {
        Assert.Equal(expected, ExternalText.FromBytes(Encoding.UTF8.GetBytes(raw), 1000));
        Assert.Equal(expected, ExternalText.Escape(raw));
    }

    [Fact]
    public void EscapesEachByteOfInvalidUtf8()
    {
        Assert.Equal(@"a\xffb\xc3\xe2\x82", ExternalText.FromBytes([(byte)'a', 0xff, (byte)'b', 0xc3, 0xe2, 0x82], 100));
        Assert.Equal(@"\ud800x", ExternalText.Escape("\ud800x"));
    }

    [Fact]
    public void BoundsTheLengthInBytesWithoutSplittingACharacterOrAnEscape()
    {
        string accents = ExternalText.FromBytes(Encoding.UTF8.GetBytes(new string('\u00e9', 100)), 12);
        Assert.Equal("\u00e9\u00e9\u00e9\u00e9…", accents); // 4 x 2 bytes + the 3-byte mark
        Assert.True(Encoding.UTF8.GetByteCount(accents) <= 12);

        string escapes = ExternalText.FromBytes(Encoding.UTF8.GetBytes(new string('\u001b', 10)), 12);
        Assert.Equal(@"\x1b\x1b…", escapes);

        string emoji = ExternalText.Escape(string.Concat(Enumerable.Repeat("\U0001F600", 10)), 10);
        Assert.Equal("\U0001F600…", emoji); // a surrogate pair is one character
        Assert.Equal("short", ExternalText.FromBytes("short"u8, 5));
    }

    [Fact]
    public void EscapingTwiceChangesNothingAndPlainTextIsTheSameInstance()
    {
        byte[] hostile = [.. "x\n<0>PANIC\u001b[2J\u202e"u8, 0xfe];
        string once = ExternalText.FromBytes(hostile);

        Assert.Same(once, ExternalText.Escape(once));
        Assert.True(ExternalText.IsPlain(once));
        Assert.False(ExternalText.IsPlain(hostile));
        Assert.DoesNotContain(once, c => char.IsControl(c));
    }
}
