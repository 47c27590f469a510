using System.Globalization;
using ConntrackWatch.Text;

namespace ConntrackWatch.Configuration;

/// <summary>
/// What a configuration key's value must look like, checked as the configuration binder parses it (invariant
/// culture), so a value of the wrong kind is refused with the key, the value and how to write it, before binding.
/// </summary>
internal sealed class ValueShape(string expected, Func<string, bool> fits)
{
    public static ValueShape Text { get; } = new("any text", _ => true);

    public static ValueShape Duration { get; } = new(
        "a duration is written [d.]hh:mm:ss[.fff], e.g. 00:00:05 for five seconds or 1.00:00:00 for a day",
        value => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _));

    public static ValueShape Integer { get; } = new(
        "give a whole number, e.g. 60", value => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));

    public static ValueShape Number { get; } = new(
        "give a number with a dot before its decimals, e.g. 2.0",
        value => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

    public static ValueShape Boolean { get; } = new("give true or false", value => bool.TryParse(value, out _));

    /// <summary>One of the enum's names, in any case (as the binder takes them).</summary>
    public static ValueShape Choice<TEnum>()
        where TEnum : struct, Enum
    {
        string[] names = Enum.GetNames<TEnum>();
        return new ValueShape($"give one of {string.Join(", ", names)}", value => names.Contains(value, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Null when <paramref name="value"/> has this shape; else the failure, naming <paramref name="path"/> and the fix.</summary>
    public string? Check(string path, string value) =>
        fits(value.Trim()) ? null : $"{path} is '{ExternalText.Escape(value, 200)}': {expected}.";
}
