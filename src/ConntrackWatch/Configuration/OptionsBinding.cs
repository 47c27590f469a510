using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Configuration;

/// <summary>
/// Binds each section with the source-generated binder, turning conversion errors and unknown keys (typos) into
/// validation failures, so every kind of bad value reaches the admin the same way: exit code 78 at start, a
/// rejected reload later.
/// </summary>
internal static class OptionsBinding
{
    public static IReadOnlyList<string> ConntrackKeys { get; } =
    [
        nameof(ConntrackOptions.PollInterval), nameof(ConntrackOptions.CountSource), nameof(ConntrackOptions.ProcRoot),
        nameof(ConntrackOptions.HighWaterPercent), nameof(ConntrackOptions.RaiseMultiplier),
        nameof(ConntrackOptions.MemoryCeilingPercent), nameof(ConntrackOptions.BytesPerEntry),
        nameof(ConntrackOptions.CeilingRefreshInterval), nameof(ConntrackOptions.WindowLength),
        nameof(ConntrackOptions.AlarmRepeatInterval), nameof(ConntrackOptions.DryRun),
        nameof(ConntrackOptions.StatsSource), nameof(ConntrackOptions.Lookahead),
        nameof(ConntrackOptions.ResizeBuckets), nameof(ConntrackOptions.EntriesPerBucket),
        nameof(ConntrackOptions.RestoreLearnedMax), nameof(ConntrackOptions.StateDirectory),
        nameof(ConntrackOptions.Namespaces), nameof(ConntrackOptions.NamespaceScanInterval), nameof(ConntrackOptions.RaiseFor),
        nameof(ConntrackOptions.Breakdown), nameof(ConntrackOptions.BreakdownTop),
    ];

    public static IReadOnlyList<string> JournaldKeys { get; } =
    [
        nameof(JournaldOptions.Enabled), nameof(JournaldOptions.SocketPath), nameof(JournaldOptions.SyslogIdentifier),
    ];

    public static IReadOnlyList<string> MetricsKeys { get; } = [nameof(MetricsOptions.TextfilePath), nameof(MetricsOptions.NamespaceSeries)];

    /// <summary>The sections ConntrackWatch reads; any other is a typo.</summary>
    public static IReadOnlyList<string> Sections { get; } =
        [ConntrackOptions.SectionName, JournaldOptions.SectionName, MetricsOptions.SectionName];

    // Keys whose empty value means "left out": their default (derived, off, or systemd's) applies.
    private static readonly HashSet<string> EmptyMeansDefault = new(StringComparer.OrdinalIgnoreCase)
    {
        $"{ConntrackOptions.SectionName}:{nameof(ConntrackOptions.BytesPerEntry)}",
        $"{ConntrackOptions.SectionName}:{nameof(ConntrackOptions.StateDirectory)}",
        $"{JournaldOptions.SectionName}:{nameof(JournaldOptions.Enabled)}",
        $"{MetricsOptions.SectionName}:{nameof(MetricsOptions.TextfilePath)}",
    };

    public static void Bind(IConfiguration configuration, MetricsOptions options) =>
        Guard<MetricsOptions>(configuration, MetricsOptions.SectionName, MetricsKeys, () =>
            configuration.GetSection(MetricsOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));

    /// <summary>Binds the Conntrack section, after checking that every section in every layer is one ConntrackWatch reads.</summary>
    public static void Bind(IConfiguration configuration, ConntrackOptions options)
    {
        if (UnknownSections(configuration) is { Count: > 0 } unknown)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ConntrackOptions), unknown);
        }

        Guard<ConntrackOptions>(configuration, ConntrackOptions.SectionName, ConntrackKeys, () =>
            configuration.GetSection(ConntrackOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));
    }

    public static void Bind(IConfiguration configuration, JournaldOptions options) =>
        Guard<JournaldOptions>(configuration, JournaldOptions.SectionName, JournaldKeys, () =>
            configuration.GetSection(JournaldOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));

    private static void Guard<TOptions>(IConfiguration configuration, string section, IReadOnlyList<string> knownKeys, Action bind)
    {
        IConfigurationSection values = configuration.GetSection(section);
        List<string> failures = UnknownKeys(values, knownKeys);
        failures.AddRange(MisshapenValues(values, knownKeys));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), failures);
        }

        try
        {
            bind(); // ErrorOnUnknownConfiguration stays on, should a key ever get past the check above
        }
        catch (InvalidOperationException e)
        {
            // A value of the wrong kind: "Failed to convert configuration value 'abc' at 'Conntrack:PollInterval'
            // to type 'System.TimeSpan'", which names the key, the value and the type; passed on whole.
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), [e.Message]);
        }
    }

    /// <summary>Keys of the section that no option has: typos, named before the binder is asked.</summary>
    private static List<string> UnknownKeys(IConfigurationSection section, IReadOnlyList<string> knownKeys)
    {
        string[] unknown = [.. section.GetChildren().Select(key => key.Key).Where(key => !knownKeys.Contains(key, StringComparer.OrdinalIgnoreCase))];
        return unknown.Length == 0
            ? []
            : [$"{section.Key} has keys ConntrackWatch does not know (a typo?): {string.Join(", ", unknown.Select(key => $"'{key}'"))}. Valid keys: {string.Join(", ", knownKeys)}."];
    }

    /// <summary>
    /// A known key given an empty value (JSON null included), a list or an object: the binder would keep the
    /// default without a word.
    /// </summary>
    private static List<string> MisshapenValues(IConfigurationSection section, IReadOnlyList<string> knownKeys)
    {
        var failures = new List<string>();
        foreach (IConfigurationSection key in section.GetChildren())
        {
            if (!knownKeys.Contains(key.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue; // named by UnknownKeys
            }

            if (key.GetChildren().Any())
            {
                failures.Add($"{key.Path} must be a single value, not a list or an object.");
            }
            else if (string.IsNullOrWhiteSpace(key.Value) && !EmptyMeansDefault.Contains(key.Path))
            {
                failures.Add($"{key.Path} is empty (or null): give it a value, or leave the key out for its default.");
            }
        }

        return failures;
    }

    /// <summary>Sections no part of ConntrackWatch reads, each named with the layer it came from.</summary>
    private static List<string> UnknownSections(IConfiguration configuration)
    {
        var failures = new List<string>();
        // The layers an admin writes; the host's own settings (application name, content root) are none of them.
        IEnumerable<IConfigurationProvider> providers = ((configuration as IConfigurationRoot)?.Providers ?? [])
            .Where(p => p is FileConfigurationProvider or EnvironmentVariablesConfigurationProvider or CommandLineConfigurationProvider);
        foreach (IConfigurationProvider provider in providers)
        {
            foreach (string section in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                // CONNTRACKWATCH_SOMETHING without "__" is no setting (scripts and tests use such names): only
                // CONNTRACKWATCH_Section__Key is read, so only a section there can be a typo.
                bool isSection = provider.GetChildKeys([], section).Any();
                if (provider is EnvironmentVariablesConfigurationProvider && !isSection)
                {
                    continue;
                }

                if (!Sections.Contains(section, StringComparer.OrdinalIgnoreCase))
                {
                    failures.Add($"{section} (in {LayerName(provider)}) is no section ConntrackWatch reads (a typo?). Sections: {string.Join(", ", Sections)}.");
                }
            }
        }

        return failures;
    }

    private static string LayerName(IConfigurationProvider provider) => provider switch
    {
        FileConfigurationProvider { Source: { FileProvider: BoundedFileProvider files, Path: { } path } } => files.FullPath(path),
        FileConfigurationProvider { Source.Path: { } path } => path,
        EnvironmentVariablesConfigurationProvider => "the CONNTRACKWATCH_* environment",
        CommandLineConfigurationProvider => "the command line",
        _ => provider.ToString() ?? "a configuration layer",
    };
}
