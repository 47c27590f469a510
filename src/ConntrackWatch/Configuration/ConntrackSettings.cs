using ConntrackWatch.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ConntrackWatch.Configuration;

/// <summary>
/// The options in force. Starts with the values validated at start-up; on every configuration change it builds
/// and validates a fresh set, and swaps it in only when valid, so a bad edit never replaces good values.
/// </summary>
internal sealed partial class ConntrackSettings : IDisposable
{
    private readonly IOptionsFactory<ConntrackOptions> _factory;
    private readonly ConfigurationFileErrors _fileErrors;
    private readonly ILogger<ConntrackSettings> _logger;
    private readonly IDisposable _reloadRegistration;
    private readonly Lock _reloading = new(); // SIGHUP and the file watcher may fire together
    private volatile ConntrackOptions _current;

    public ConntrackSettings(
        IOptions<ConntrackOptions> initial,
        IOptionsFactory<ConntrackOptions> factory,
        IConfiguration configuration,
        ConfigurationFileErrors fileErrors,
        ILogger<ConntrackSettings> logger)
    {
        _fileErrors = fileErrors;
        _current = initial.Value;
        _factory = factory;
        _logger = logger;
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload());
    }

    public ConntrackOptions Current => _current;

    /// <summary>Re-reads the configuration; returns false when the new values were rejected.</summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            return ReloadLocked();
        }
    }

    private bool ReloadLocked()
    {
        if (_fileErrors.Take() is { } fileError)
        {
            LogRejected(fileError, _current.Describe());
            return false;
        }

        ConntrackOptions candidate;
        try
        {
            candidate = _factory.Create(Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            LogRejected(string.Join(" ", e.Failures), _current.Describe());
            return false;
        }

        string description = candidate.Describe();
        if (description != _current.Describe())
        {
            _current = candidate;
            LogReloaded(description);
        }

        return true;
    }

    public void Dispose() => _reloadRegistration.Dispose();

    [LoggerMessage(EventId = LogEvents.ConfigurationReloaded, Level = LogLevel.Information, Message = "Configuration reloaded: {Configuration}")]
    private partial void LogReloaded(string configuration);

    [LoggerMessage(EventId = LogEvents.ConfigurationRejected, Level = LogLevel.Error,
        Message = "Configuration change rejected: {Problems} Keeping the values in force: {Configuration}")]
    private partial void LogRejected(string problems, string configuration);
}
