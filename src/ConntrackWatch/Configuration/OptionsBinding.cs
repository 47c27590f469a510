using Microsoft.Extensions.Configuration;
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
    ];

    public static IReadOnlyList<string> JournaldKeys { get; } =
    [
        nameof(JournaldOptions.Enabled), nameof(JournaldOptions.SocketPath), nameof(JournaldOptions.SyslogIdentifier),
    ];

    public static IReadOnlyList<string> MetricsKeys { get; } = [nameof(MetricsOptions.TextfilePath)];

    public static void Bind(IConfiguration configuration, MetricsOptions options) =>
        Guard<MetricsOptions>(MetricsOptions.SectionName, MetricsKeys, () =>
            configuration.GetSection(MetricsOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));

    public static void Bind(IConfiguration configuration, ConntrackOptions options) =>
        Guard<ConntrackOptions>(ConntrackOptions.SectionName, ConntrackKeys, () =>
            configuration.GetSection(ConntrackOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));

    public static void Bind(IConfiguration configuration, JournaldOptions options) =>
        Guard<JournaldOptions>(JournaldOptions.SectionName, JournaldKeys, () =>
            configuration.GetSection(JournaldOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true));

    private static void Guard<TOptions>(string section, IReadOnlyList<string> knownKeys, Action bind)
    {
        try
        {
            bind();
        }
        catch (InvalidOperationException e)
        {
            // The binder says "Failed to convert configuration value 'abc' at 'Conntrack:PollInterval' to type ...",
            // or, for a key it does not know, lists the unknown names after the last colon.
            string failure = e.Message.Contains(nameof(BinderOptions.ErrorOnUnknownConfiguration), StringComparison.Ordinal)
                ? $"{section} has keys ConntrackWatch does not know (a typo?): {e.Message[(e.Message.LastIndexOf(':') + 2)..]}. Valid keys: {string.Join(", ", knownKeys)}."
                : e.Message;
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), [failure]);
        }
    }
}
