namespace ConntrackWatch.Status;

/// <summary>
/// The <c>status</c> verb's own flags, and the configuration overrides that follow them. Parsed here, not by
/// System.CommandLine, which was weighed and costs more binary, start time and memory than one verb and four flags
/// are worth (the figures are in the README's performance section); the overrides are
/// Microsoft.Extensions.Configuration's own command-line syntax either way.
/// </summary>
/// <param name="Top">--top: also break each table down by who fills it.</param>
/// <param name="Namespace">--namespace NAME: only that namespace (its name as status lists it, or its inode).</param>
/// <param name="Help">--help: print the usage and nothing else.</param>
internal sealed record StatusArguments(bool Json, bool Trend, bool Top, string? Namespace, string[] Overrides, bool Help = false)
{
    private const string NamespaceNeedsAValue = "--namespace needs a value: a namespace's name as status lists it, or its inode";

    /// <summary>
    /// Parses the arguments after <c>status</c>; null with <paramref name="problem"/> saying what is wrong with the
    /// first argument that is neither a flag (with its value) nor an override accepted by <paramref name="isOverride"/>.
    /// </summary>
    public static StatusArguments? Parse(ReadOnlySpan<string> args, Func<string, bool> isOverride, out string? problem)
    {
        bool json = false, trend = false, top = false, help = false;
        string? only = null;
        var overrides = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = true; break;
                case "--trend": trend = true; break;
                case "--top": top = true; break;
                case "--help" or "-h": help = true; break;
                case "--namespace" or "--namespace=":
                    if (i + 1 >= args.Length || args[i].EndsWith('=') || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        problem = NamespaceNeedsAValue;
                        return null;
                    }

                    only = args[++i];
                    break;
                case { } arg when arg.StartsWith("--namespace=", StringComparison.Ordinal):
                    only = arg["--namespace=".Length..];
                    break;
                case { } arg when isOverride(arg):
                    overrides.Add(arg);
                    break;
                default:
                    problem = $"unknown argument '{args[i]}'; settings are given as --Section:Key=value, e.g. --Conntrack:DryRun=true";
                    return null;
            }
        }

        problem = null;
        return new StatusArguments(json, trend, top || only is not null, only, [.. overrides], help);
    }
}
