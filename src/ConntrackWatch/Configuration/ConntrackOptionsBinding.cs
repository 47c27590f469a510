using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Configuration;

/// <summary>
/// Binds the <c>Conntrack</c> section with the source-generated binder, turning conversion errors and unknown
/// keys (typos) into validation failures, so every kind of bad value reaches the admin the same way.
/// </summary>
internal static class ConntrackOptionsBinding
{
    public static void Bind(IConfiguration configuration, ConntrackOptions options)
    {
        IConfigurationSection section = configuration.GetSection(ConntrackOptions.SectionName);
        try
        {
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The binder says "Failed to convert configuration value 'abc' at 'Conntrack:PollInterval' to type ...",
            // or, for a key it does not know, lists the unknown names.
            string failure = e.Message.Contains(nameof(BinderOptions.ErrorOnUnknownConfiguration), StringComparison.Ordinal)
                ? $"{ConntrackOptions.SectionName} has keys ConntrackWatch does not know (a typo?): {e.Message[(e.Message.LastIndexOf(':') + 2)..]}. Valid keys: {string.Join(", ", KnownKeys)}."
                : e.Message;
            throw new OptionsValidationException(Options.DefaultName, typeof(ConntrackOptions), [failure]);
        }
    }

    public static IReadOnlyList<string> KnownKeys { get; } =
    [
        nameof(ConntrackOptions.PollInterval), nameof(ConntrackOptions.CountSource), nameof(ConntrackOptions.ProcRoot),
        nameof(ConntrackOptions.HighWaterPercent), nameof(ConntrackOptions.RaiseMultiplier),
        nameof(ConntrackOptions.MemoryCeilingPercent), nameof(ConntrackOptions.BytesPerEntry),
        nameof(ConntrackOptions.CeilingRefreshInterval), nameof(ConntrackOptions.WindowLength),
        nameof(ConntrackOptions.AlarmRepeatInterval), nameof(ConntrackOptions.DryRun),
    ];
}
