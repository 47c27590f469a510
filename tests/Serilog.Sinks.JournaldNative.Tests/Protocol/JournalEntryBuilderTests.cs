using Serilog.Sinks.JournaldNative.Protocol;

namespace Serilog.Sinks.JournaldNative.Tests.Protocol;

public sealed class JournalEntryBuilderTests
{
    [Fact]
    public void WritesSingleLineValuesAsKeyEqualsValue()
    {
        var entry = new JournalEntryBuilder();

        entry.Add("MESSAGE", "hello");
        entry.Add("PRIORITY", "6");

        Assert.Equal("MESSAGE=hello\nPRIORITY=6\n"u8.ToArray(), entry.Written.ToArray());
    }

    [Fact]
    public void WritesValuesWithANewlineInTheBinaryFormWithALittleEndianLength()
    {
        var entry = new JournalEntryBuilder();

        entry.Add("EXCEPTION", "a\nb");

        byte[] expected = [.. "EXCEPTION\n"u8, 3, 0, 0, 0, 0, 0, 0, 0, .. "a\nb\n"u8];
        Assert.Equal(expected, entry.Written.ToArray());
    }

    [Fact]
    public void CountsTheLengthInUtf8Bytes()
    {
        var entry = new JournalEntryBuilder();

        entry.Add("MESSAGE", "é\n");

        byte[] expected = [.. "MESSAGE\n"u8, 3, 0, 0, 0, 0, 0, 0, 0, 0xC3, 0xA9, (byte)'\n', (byte)'\n'];
        Assert.Equal(expected, entry.Written.ToArray());
    }

    [Fact]
    public void AcceptsAnEmptyValue()
    {
        var entry = new JournalEntryBuilder();

        entry.Add("EMPTY", "");

        Assert.Equal("EMPTY=\n"u8.ToArray(), entry.Written.ToArray());
    }

    [Fact]
    public void RefusesAnInvalidFieldName()
    {
        Assert.Throws<ArgumentException>(() => new JournalEntryBuilder().Add("_PID", "1"));
    }

    [Fact]
    public void StartsEmptyAfterClear()
    {
        var entry = new JournalEntryBuilder();
        entry.Add("A", "1");

        entry.Clear();
        entry.Add("B", "2");

        Assert.Equal("B=2\n"u8.ToArray(), entry.Written.ToArray());
    }
}
