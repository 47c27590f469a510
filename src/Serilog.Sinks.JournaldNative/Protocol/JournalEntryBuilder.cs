using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Serilog.Sinks.JournaldNative.Protocol;

/// <summary>
/// Builds one entry of journald's native protocol: "KEY=value\n" per field, or, for a value holding a newline,
/// "KEY\n", its length as a 64-bit little-endian integer, the value and "\n". Reused between entries.
/// </summary>
internal sealed class JournalEntryBuilder
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Clear() => _buffer.ResetWrittenCount();

    /// <summary>Appends one field; <paramref name="name"/> must already be a valid journal field name.</summary>
    public void Add(string name, ReadOnlySpan<char> value)
    {
        if (!JournalFieldName.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a journal field name.", nameof(name));
        }

        Utf8.GetBytes(name, _buffer);
        if (value.Contains('\n'))
        {
            _buffer.Write("\n"u8);
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(sizeof(ulong)), (ulong)Utf8.GetByteCount(value));
            _buffer.Advance(sizeof(ulong));
        }
        else
        {
            _buffer.Write("="u8);
        }

        Utf8.GetBytes(value, _buffer);
        _buffer.Write("\n"u8);
    }
}
