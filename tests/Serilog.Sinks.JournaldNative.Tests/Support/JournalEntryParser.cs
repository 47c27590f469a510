using System.Buffers.Binary;
using System.Text;

namespace Serilog.Sinks.JournaldNative.Tests.Support;

/// <summary>Reads native-protocol bytes back into fields, the way journald does, failing on anything malformed.</summary>
public static class JournalEntryParser
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> entry)
    {
        var fields = new List<KeyValuePair<string, string>>();
        while (!entry.IsEmpty)
        {
            int newline = entry.IndexOf((byte)'\n');
            Assert.True(newline > 0, "every field ends with a newline");
            ReadOnlySpan<byte> line = entry[..newline];
            int equals = line.IndexOf((byte)'=');
            if (equals >= 0)
            {
                fields.Add(new(Encoding.UTF8.GetString(line[..equals]), Encoding.UTF8.GetString(line[(equals + 1)..])));
                entry = entry[(newline + 1)..];
                continue;
            }

            string name = Encoding.UTF8.GetString(line);
            ReadOnlySpan<byte> rest = entry[(newline + 1)..];
            int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(rest));
            Assert.Equal((byte)'\n', rest[8 + length]);
            fields.Add(new(name, Encoding.UTF8.GetString(rest.Slice(8, length))));
            entry = rest[(8 + length + 1)..];
        }

        return fields;
    }

    public static string Field(this IReadOnlyList<KeyValuePair<string, string>> fields, string name) =>
        Assert.Single(fields, f => f.Key == name).Value;
}
