using System.Globalization;
using System.Text;

namespace ConntrackWatch.Text;

/// <summary>
/// Text that someone else wrote (a process's comm, a cgroup path, a bind mount's file name), made safe where it
/// enters: whatever it becomes (a notify datagram, a terminal line, a log line, a journal field, a metric label)
/// carries no control character, no bidirectional override and no invalid UTF-8. Those are escaped visibly, as
/// systemd's cescape does (<c>\x1b</c> for a byte, <c>\u202e</c> for a code point), and the result is bounded in
/// UTF-8 bytes, cut between characters and marked with "…". Escaping is idempotent: what comes out contains
/// nothing to escape, so a sink may escape again (defence in depth) without doubling anything.
/// </summary>
internal static class ExternalText
{
    /// <summary>The most UTF-8 bytes a name from outside may take.</summary>
    public const int MaxNameBytes = 160;

    private const string Cut = "…";

    /// <summary>Raw bytes from outside as safe text of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    public static string FromBytes(ReadOnlySpan<byte> raw, int maxBytes = MaxNameBytes)
    {
        var text = new Bounded(maxBytes, raw.Length);
        while (!raw.IsEmpty && text.Fits)
        {
            if (Rune.DecodeFromUtf8(raw, out Rune rune, out int consumed) == System.Buffers.OperationStatus.Done)
            {
                text.Add(rune);
            }
            else
            {
                for (int i = 0; i < consumed; i++)
                {
                    text.AddEscaped(raw[i]); // each byte of an invalid sequence, as \xNN
                }
            }

            raw = raw[consumed..];
        }

        return text.ToString(complete: raw.IsEmpty);
    }

    /// <summary>
    /// <paramref name="value"/> with every control character, bidi control and lone surrogate escaped; the same
    /// instance when there is none (nothing allocated), so a sink can apply it to every value it writes.
    /// </summary>
    public static string Escape(string value, int maxBytes = int.MaxValue)
    {
        if (IsPlain(value) && (maxBytes == int.MaxValue || Encoding.UTF8.GetByteCount(value) <= maxBytes))
        {
            return value;
        }

        ReadOnlySpan<char> rest = value;
        var text = new Bounded(maxBytes, value.Length);
        while (!rest.IsEmpty && text.Fits)
        {
            if (Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed) == System.Buffers.OperationStatus.Done)
            {
                text.Add(rune);
            }
            else
            {
                text.AddCodePoint(rest[0]); // a lone surrogate
                consumed = 1;
            }

            rest = rest[consumed..];
        }

        return text.ToString(complete: rest.IsEmpty);
    }

    /// <summary>True when <paramref name="value"/> holds nothing <see cref="Escape"/> would change (length aside).</summary>
    public static bool IsPlain(ReadOnlySpan<char> value)
    {
        while (!value.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(value, out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done || NeedsEscape(rune))
            {
                return false; // a lone surrogate, or a character to escape
            }

            value = value[consumed..];
        }

        return true;
    }

    /// <summary>True when the bytes are valid UTF-8 with nothing to escape: what a runtime or systemd writes.</summary>
    public static bool IsPlain(ReadOnlySpan<byte> raw)
    {
        while (!raw.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(raw, out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done || NeedsEscape(rune))
            {
                return false;
            }

            raw = raw[consumed..];
        }

        return true;
    }

    // C0, DEL and C1 controls (Cc); format characters (Cf), the bidirectional overrides, isolates and marks among
    // them (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C), which reorder what a terminal shows; and the
    // line and paragraph separators, which some readers take as line ends.
    private static bool NeedsEscape(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>Pieces appended whole or not at all, within a budget of UTF-8 bytes that keeps room for the cut mark.</summary>
    private struct Bounded(int maxBytes, int capacity)
    {
        private readonly StringBuilder _text = new(Math.Min(capacity, 256));
        private int _bytes;
        private int _lastFitting; // characters of _text that leave room for the cut mark
        private bool _over;

        public readonly bool Fits => !_over;

        public void Add(Rune rune)
        {
            if (NeedsEscape(rune))
            {
                if (rune.Value < 0x80)
                {
                    AddEscaped((byte)rune.Value);
                }
                else
                {
                    AddCodePoint(rune.Value);
                }

                return;
            }

            Span<char> chars = stackalloc char[2];
            Append(chars[..rune.EncodeToUtf16(chars)], rune.Utf8SequenceLength);
        }

        public void AddEscaped(byte value)
        {
            Span<char> chars = ['\\', 'x', Hex(value >> 4), Hex(value & 0xF)];
            Append(chars, chars.Length);
        }

        public void AddCodePoint(int value)
        {
            string escaped = value <= 0xFFFF
                ? string.Create(CultureInfo.InvariantCulture, $"\\u{value:x4}")
                : string.Create(CultureInfo.InvariantCulture, $"\\U{value:x8}");
            Append(escaped, escaped.Length);
        }

        public readonly string ToString(bool complete)
        {
            if (complete && !_over)
            {
                return _text.ToString();
            }

            return _text.ToString(0, _lastFitting) + Cut;
        }

        private void Append(ReadOnlySpan<char> piece, int utf8Bytes)
        {
            if (_bytes + utf8Bytes > maxBytes)
            {
                _over = true;
                return;
            }

            _text.Append(piece);
            _bytes += utf8Bytes;
            if (_bytes + Encoding.UTF8.GetByteCount(Cut) <= maxBytes)
            {
                _lastFitting = _text.Length;
            }
        }

        private static char Hex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
    }
}
