using System.Buffers.Text;
using System.Text;

namespace ConntrackWatch.Kernel;

/// <summary>Parses the content of a single-integer sysctl such as <c>nf_conntrack_max</c>: "262144\n".</summary>
internal static class SysctlInteger
{
    private const int MaxShown = 40;

    /// <summary>Parses one non-negative integer, optionally surrounded by white space.</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out long value, out string? problem)
    {
        ReadOnlySpan<byte> trimmed = content.Trim(" \t\r\n\0"u8);
        if (trimmed.IsEmpty)
        {
            value = 0;
            problem = "the file is empty; expected one non-negative integer";
            return false;
        }

        if (Utf8Parser.TryParse(trimmed, out value, out int consumed) && consumed == trimmed.Length && value >= 0)
        {
            problem = null;
            return true;
        }

        value = 0;
        problem = $"expected one non-negative integer, found '{Show(trimmed)}'";
        return false;
    }

    /// <summary>A short, printable rendering of unexpected content for a log line.</summary>
    public static string Show(ReadOnlySpan<byte> content)
    {
        ReadOnlySpan<byte> head = content.Length > MaxShown ? content[..MaxShown] : content;
        var text = new StringBuilder(head.Length + 3);
        foreach (byte b in head)
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        }

        if (content.Length > MaxShown)
        {
            text.Append("...");
        }

        return text.ToString();
    }
}
