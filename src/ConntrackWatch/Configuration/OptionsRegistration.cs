using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConntrackWatch.Configuration;

/// <summary>
/// Every section bound and validated the same way for the daemon and for <c>status</c>: the source-generated binder
/// that rejects unknown keys, then the source-generated validator. Expects <see cref="IConfiguration"/>.
/// </summary>
internal static class OptionsRegistration
{
    public static IServiceCollection AddConntrackWatchOptions(this IServiceCollection services)
    {
        services.AddOptions<ConntrackOptions>()
            .Configure<IConfiguration>((options, configuration) => OptionsBinding.Bind(configuration, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConntrackOptions>, ConntrackOptionsValidator>();
        services.AddOptions<JournaldOptions>()
            .Configure<IConfiguration>((options, configuration) => OptionsBinding.Bind(configuration, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<JournaldOptions>, JournaldOptionsValidator>();
        services.AddOptions<MetricsOptions>()
            .Configure<IConfiguration>((options, configuration) => OptionsBinding.Bind(configuration, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddOptions<LoggingOptions>()
            .Configure<IConfiguration>((options, configuration) => OptionsBinding.Bind(configuration, options))
            .ValidateOnStart(); // its one key's shape is checked as it is bound: nothing more to validate
        return services;
    }

    /// <summary>
    /// For a one-shot reading (<c>status</c>): every section bound and validated by the same binder and validators
    /// as the daemon's, without building a container (whose generic options types Native AOT would construct at
    /// run time, a millisecond and more of a short process). Throws <see cref="OptionsValidationException"/>.
    /// </summary>
    public static ConntrackOptions BindAll(IConfiguration configuration)
    {
        var conntrack = new ConntrackOptions();
        OptionsBinding.Bind(configuration, conntrack);
        ThrowOnFailure(new ConntrackOptionsValidator().Validate(Options.DefaultName, conntrack), typeof(ConntrackOptions));
        var journald = new JournaldOptions();
        OptionsBinding.Bind(configuration, journald);
        ThrowOnFailure(new JournaldOptionsValidator().Validate(Options.DefaultName, journald), typeof(JournaldOptions));
        var metrics = new MetricsOptions();
        OptionsBinding.Bind(configuration, metrics);
        ThrowOnFailure(new MetricsOptionsValidator().Validate(Options.DefaultName, metrics), typeof(MetricsOptions));
        var logging = new LoggingOptions();
        OptionsBinding.Bind(configuration, logging);
        return conntrack;
    }

    private static void ThrowOnFailure(ValidateOptionsResult result, Type options)
    {
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, options, result.Failures);
        }
    }

    /// <summary>
    /// Binds and validates every section now: a bad value ends the process with one clear message (exit code 78),
    /// not with the host's "failed to start" stack trace. Throws <see cref="OptionsValidationException"/>.
    /// </summary>
    public static ConntrackOptions ValidateAll(IServiceProvider services)
    {
        ConntrackOptions conntrack = services.GetRequiredService<IOptions<ConntrackOptions>>().Value;
        _ = services.GetRequiredService<IOptions<JournaldOptions>>().Value;
        _ = services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        _ = services.GetRequiredService<IOptions<LoggingOptions>>().Value;
        return conntrack;
    }
}
