using System.Globalization;

namespace ConntrackWatch.Service;

/// <summary>
/// The maximum ConntrackWatch last raised nf_conntrack_max to, and when: kept across reboots, which reset the
/// kernel's value to its default. Stored as two lines, <c>max=N</c> and <c>learned=ISO 8601 time</c>.
/// </summary>
internal readonly record struct LearnedMax(long Max, DateTimeOffset LearnedAt)
{
    /// <summary>The file's text.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"# ConntrackWatch: the nf_conntrack_max it last raised to; restored at start when a reboot reset it.\nmax={Max}\nlearned={LearnedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\n");

    /// <summary>Parses the file's text; the max must be one the kernel accepts (1 to 2147483647).</summary>
    public static bool TryParse(string text, out LearnedMax learned, out string problem)
    {
        learned = default;
        long? max = null;
        DateTimeOffset? at = null;
        string[] lines = text.Split('\n');
        for (int number = 1; number <= lines.Length; number++)
        {
            string line = lines[number - 1].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("max=", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out long value)
                && value is >= 1 and <= int.MaxValue)
            {
                max = value;
            }
            else if (line.StartsWith("learned=", StringComparison.Ordinal)
                && DateTimeOffset.TryParse(line.AsSpan(8), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset when))
            {
                at = when;
            }
            else
            {
                // The content is not quoted: whatever the file holds (a planted link's target was refused, but
                // not every mistake is a link) must not reach the journal.
                problem = $"line {number} is neither max=N with N from 1 to {int.MaxValue} nor learned=TIME";
                return false;
            }
        }

        if (max is not { } m || at is not { } t)
        {
            problem = max is null ? "no max= line" : "no learned= line";
            return false;
        }

        learned = new LearnedMax(m, t);
        problem = string.Empty;
        return true;
    }
}
