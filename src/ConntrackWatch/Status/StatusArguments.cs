namespace ConntrackWatch.Status;

/// <summary>The <c>status</c> verb's own flags, and the configuration overrides that follow them.</summary>
/// <param name="Top">--top: also break each table down by who fills it.</param>
/// <param name="Namespace">--namespace NAME: only that namespace (its name as status lists it, or its inode).</param>
internal sealed record StatusArguments(bool Json, bool Trend, bool Top, string? Namespace, string[] Overrides)
{
    /// <summary>
    /// Parses the arguments after <c>status</c>; null with the first argument that is neither a flag nor an override
    /// accepted by <paramref name="isOverride"/>.
    /// </summary>
    public static StatusArguments? Parse(ReadOnlySpan<string> args, Func<string, bool> isOverride, out string? unknown)
    {
        bool json = false, trend = false, top = false;
        string? only = null;
        var overrides = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = true; break;
                case "--trend": trend = true; break;
                case "--top": top = true; break;
                case "--namespace" when i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    only = args[++i];
                    break;
                case { } arg when arg.StartsWith("--namespace=", StringComparison.Ordinal) && arg.Length > "--namespace=".Length:
                    only = arg["--namespace=".Length..];
                    break;
                case { } arg when isOverride(arg):
                    overrides.Add(arg);
                    break;
                default:
                    unknown = args[i];
                    return null;
            }
        }

        unknown = null;
        return new StatusArguments(json, trend, top || only is not null, only, [.. overrides]);
    }
}
