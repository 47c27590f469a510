using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Namespaces;
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
    // Every key each section has, with the shape of its value: one table, from which the names and the checks come.
    private static readonly (string Name, ValueShape Shape)[] Conntrack =
    [
        (nameof(ConntrackOptions.PollInterval), ValueShape.Duration), (nameof(ConntrackOptions.CountSource), ValueShape.Choice<CountSource>()),
        (nameof(ConntrackOptions.ProcRoot), ValueShape.Text), (nameof(ConntrackOptions.HostRoot), ValueShape.Text), (nameof(ConntrackOptions.HighWaterPercent), ValueShape.Integer),
        (nameof(ConntrackOptions.RaiseMultiplier), ValueShape.Number), (nameof(ConntrackOptions.MemoryCeilingPercent), ValueShape.Integer),
        (nameof(ConntrackOptions.BytesPerEntry), ValueShape.Integer), (nameof(ConntrackOptions.CeilingRefreshInterval), ValueShape.Duration),
        (nameof(ConntrackOptions.WindowLength), ValueShape.Duration), (nameof(ConntrackOptions.AlarmRepeatInterval), ValueShape.Duration),
        (nameof(ConntrackOptions.DryRun), ValueShape.Boolean), (nameof(ConntrackOptions.StatsSource), ValueShape.Choice<StatsSource>()),
        (nameof(ConntrackOptions.Lookahead), ValueShape.Duration), (nameof(ConntrackOptions.ResizeBuckets), ValueShape.Boolean),
        (nameof(ConntrackOptions.EntriesPerBucket), ValueShape.Integer), (nameof(ConntrackOptions.RestoreLearnedMax), ValueShape.Boolean),
        (nameof(ConntrackOptions.StateDirectory), ValueShape.Text), (nameof(ConntrackOptions.Namespaces), ValueShape.Choice<NamespaceMode>()),
        (nameof(ConntrackOptions.NamespaceScanInterval), ValueShape.Duration), (nameof(ConntrackOptions.RaiseFor), ValueShape.Choice<RaiseFor>()),
        (nameof(ConntrackOptions.Breakdown), ValueShape.Boolean), (nameof(ConntrackOptions.BreakdownTop), ValueShape.Integer),
    ];

    private static readonly (string Name, ValueShape Shape)[] Journald =
    [
        (nameof(JournaldOptions.Enabled), ValueShape.Boolean), (nameof(JournaldOptions.SocketPath), ValueShape.Text),
        (nameof(JournaldOptions.SyslogIdentifier), ValueShape.Text),
    ];

    private static readonly (string Name, ValueShape Shape)[] Logging = [(nameof(LoggingOptions.Format), ValueShape.Choice<LogFormat>())];

    private static readonly (string Name, ValueShape Shape)[] Metrics =
    [
        (nameof(MetricsOptions.TextfilePath), ValueShape.Text), (nameof(MetricsOptions.NamespaceSeries), ValueShape.Integer),
        (nameof(MetricsOptions.Listen), ValueShape.Text),
    ];

    public static IReadOnlyList<string> ConntrackKeys { get; } = [.. Conntrack.Select(k => k.Name)];

    public static IReadOnlyList<string> JournaldKeys { get; } = [.. Journald.Select(k => k.Name)];

    public static IReadOnlyList<string> LoggingKeys { get; } = [.. Logging.Select(k => k.Name)];

    public static IReadOnlyList<string> MetricsKeys { get; } = [.. Metrics.Select(k => k.Name)];

    /// <summary>The sections ConntrackWatch reads; any other is a typo.</summary>
    public static IReadOnlyList<string> Sections { get; } =
        [ConntrackOptions.SectionName, JournaldOptions.SectionName, MetricsOptions.SectionName, LoggingOptions.SectionName];

    // Keys whose empty value means "left out": their default (derived, off, or systemd's) applies.
    private static readonly HashSet<string> EmptyMeansDefault = new(StringComparer.OrdinalIgnoreCase)
    {
        $"{ConntrackOptions.SectionName}:{nameof(ConntrackOptions.BytesPerEntry)}",
        $"{ConntrackOptions.SectionName}:{nameof(ConntrackOptions.StateDirectory)}",
        $"{JournaldOptions.SectionName}:{nameof(JournaldOptions.Enabled)}",
        $"{MetricsOptions.SectionName}:{nameof(MetricsOptions.TextfilePath)}",
        $"{MetricsOptions.SectionName}:{nameof(MetricsOptions.Listen)}",
    };

    public static void Bind(IConfiguration configuration, MetricsOptions options) =>
        Guard<MetricsOptions>(configuration, MetricsOptions.SectionName, Metrics, () =>
            configuration.GetSection(MetricsOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));

    /// <summary>Binds the Conntrack section, after checking that every section in every layer is one ConntrackWatch reads.</summary>
    public static void Bind(IConfiguration configuration, ConntrackOptions options)
    {
        if (UnknownSections(configuration) is { Count: > 0 } unknown)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ConntrackOptions), unknown);
        }

        Guard<ConntrackOptions>(configuration, ConntrackOptions.SectionName, Conntrack, () =>
            configuration.GetSection(ConntrackOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));
    }

    public static void Bind(IConfiguration configuration, LoggingOptions options) =>
        Guard<LoggingOptions>(configuration, LoggingOptions.SectionName, Logging, () =>
            configuration.GetSection(LoggingOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));

    public static void Bind(IConfiguration configuration, JournaldOptions options) =>
        Guard<JournaldOptions>(configuration, JournaldOptions.SectionName, Journald, () =>
            configuration.GetSection(JournaldOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));

    private static ValueShape? ShapeOf((string Name, ValueShape Shape)[] keys, string name) =>
        Array.Find(keys, key => key.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Shape;

    private static void Guard<TOptions>(IConfiguration configuration, string section, (string Name, ValueShape Shape)[] knownKeys, Action bind)
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
            bind(); // ErrorOnUnknownConfiguration stays on, should a key ever get past the checks above
        }
        catch (InvalidOperationException e)
        {
            // Only what the shapes above let through and the binder still refuses: its message names the key and value.
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), [e.Message]);
        }
    }

    /// <summary>Keys of the section that no option has: typos, named before the binder is asked.</summary>
    private static List<string> UnknownKeys(IConfigurationSection section, (string Name, ValueShape Shape)[] knownKeys)
    {
        string[] unknown = [.. section.GetChildren().Select(key => key.Key).Where(key => ShapeOf(knownKeys, key) is null)];
        return unknown.Length == 0
            ? []
            : [$"{section.Key} has keys ConntrackWatch does not know (a typo?): {string.Join(", ", unknown.Select(key => $"'{key}'"))}. Valid keys: {string.Join(", ", knownKeys.Select(k => k.Name))}."];
    }

    /// <summary>
    /// A known key given an empty value (JSON null included), a list or an object, which the binder would pass over
    /// keeping the default without a word; or a value of the wrong kind.
    /// </summary>
    private static List<string> MisshapenValues(IConfigurationSection section, (string Name, ValueShape Shape)[] knownKeys)
    {
        var failures = new List<string>();
        foreach (IConfigurationSection key in section.GetChildren())
        {
            if (ShapeOf(knownKeys, key.Key) is not { } shape)
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
            else if (!string.IsNullOrWhiteSpace(key.Value) && shape.Check(key.Path, key.Value) is { } wrong)
            {
                failures.Add(wrong);
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
