using System.Text;

namespace Serilog.Sinks.JournaldNative.Protocol;

/// <summary>
/// Turns property names into journal field names. journald keeps only names of 1 to 64 characters from
/// A-Z, 0-9 and '_' that start with neither a digit nor '_' (a leading '_' marks fields only journald may set),
/// and silently drops any other field.
/// </summary>
internal static class JournalFieldName
{
    public const int MaxLength = 64;

    /// <summary>"OldMax" becomes "OLD_MAX", "HTTPStatus" "HTTP_STATUS", "user.id" "USER_ID"; null when nothing is left.</summary>
    public static string? FromPropertyName(string name)
    {
        var field = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (char.IsAsciiLetterUpper(c) && i > 0 && StartsWord(name, i))
                {
                    AppendSeparator(field);
                }

                field.Append(char.ToUpperInvariant(c));
            }
            else
            {
                AppendSeparator(field);
            }
        }

        string result = field.ToString().Trim('_');
        if (result.Length == 0)
        {
            return null;
        }

        if (char.IsAsciiDigit(result[0]))
        {
            result = "F_" + result;
        }

        return result.Length > MaxLength ? result[..MaxLength].TrimEnd('_') : result;
    }

    /// <summary>True when <paramref name="name"/> may be sent as is.</summary>
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxLength || name[0] == '_' || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    // An upper-case letter starts a word after a lower-case letter or digit ("oldMax"), or when it ends an
    // acronym and a lower-case letter follows ("HTTPStatus": the 'S').
    private static bool StartsWord(string name, int i) =>
        char.IsAsciiLetterLower(name[i - 1]) || char.IsAsciiDigit(name[i - 1])
        || (char.IsAsciiLetterUpper(name[i - 1]) && i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]));

    private static void AppendSeparator(StringBuilder field)
    {
        if (field.Length > 0 && field[^1] != '_')
        {
            field.Append('_');
        }
    }
}
