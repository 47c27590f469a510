using ConntrackWatch.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ConntrackWatch.Configuration;

/// <summary>
/// The options in force. Starts with the values validated at start-up; on every configuration change it builds
/// and validates a fresh set, and swaps it in only when valid, so a bad edit never replaces good values. Options
/// are compared by value. The Journald and Metrics sections are read once at start: a change to them is validated
/// too, and the log says that it takes effect at the next start.
/// </summary>
internal sealed partial class ConntrackSettings : IDisposable
{
    private readonly IOptionsFactory<ConntrackOptions> _factory;
    private readonly IOptionsFactory<JournaldOptions> _journaldFactory;
    private readonly IOptionsFactory<MetricsOptions> _metricsFactory;
    private readonly IOptionsFactory<LoggingOptions> _loggingFactory;
    private readonly (JournaldOptions Journald, MetricsOptions Metrics, LoggingOptions Logging) _startedWith;
    private readonly ConfigurationFileErrors _fileErrors;
    private readonly ILogger<ConntrackSettings> _logger;
    private readonly IDisposable _reloadRegistration;
    private readonly Lock _reloading = new(); // SIGHUP and the file watcher may fire together
    private volatile ConntrackOptions _current;
    private int _reloadingLayers;

    public ConntrackSettings(
        IOptions<ConntrackOptions> initial,
        IOptionsFactory<ConntrackOptions> factory,
        IOptions<JournaldOptions> journald,
        IOptionsFactory<JournaldOptions> journaldFactory,
        IOptions<MetricsOptions> metrics,
        IOptionsFactory<MetricsOptions> metricsFactory,
        IOptions<LoggingOptions> logging,
        IOptionsFactory<LoggingOptions> loggingFactory,
        IConfiguration configuration,
        ConfigurationFileErrors fileErrors,
        ILogger<ConntrackSettings> logger)
    {
        _fileErrors = fileErrors;
        _current = initial.Value;
        _factory = factory;
        _journaldFactory = journaldFactory;
        _metricsFactory = metricsFactory;
        _loggingFactory = loggingFactory;
        _startedWith = (journald.Value, metrics.Value, logging.Value);
        _logger = logger;
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, OnConfigurationChanged);
    }

    public ConntrackOptions Current => _current;

    /// <summary>Takes up the configuration as it is now; returns false when the new values were rejected.</summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            return ReloadLocked();
        }
    }

    /// <summary>
    /// Re-reads every layer (<paramref name="reloadLayers"/>, e.g. IConfigurationRoot.Reload) and takes the result
    /// up once: the layers each signal a change while they reload, which would otherwise be judged, and a rejection
    /// logged, once per layer.
    /// </summary>
    public bool Reload(Action reloadLayers)
    {
        lock (_reloading) // re-entrant: the change callbacks below run on this thread
        {
            _reloadingLayers++;
            try
            {
                reloadLayers();
            }
            finally
            {
                _reloadingLayers--;
            }

            return ReloadLocked();
        }
    }

    private void OnConfigurationChanged()
    {
        lock (_reloading)
        {
            if (_reloadingLayers == 0)
            {
                ReloadLocked();
            }
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
        (JournaldOptions Journald, MetricsOptions Metrics, LoggingOptions Logging) atNextStart;
        try
        {
            candidate = _factory.Create(Options.DefaultName);
            atNextStart = (_journaldFactory.Create(Options.DefaultName), _metricsFactory.Create(Options.DefaultName), _loggingFactory.Create(Options.DefaultName));
        }
        catch (OptionsValidationException e)
        {
            LogRejected(string.Join(" ", e.Failures), _current.Describe());
            return false;
        }

        if (candidate != _current)
        {
            _current = candidate;
            string description = candidate.Describe();
            LogReloaded(description);
        }

        if (atNextStart != _startedWith)
        {
            string sections = string.Join(", ", ChangedSections(atNextStart));
            string inForce = $"{_startedWith.Journald} {_startedWith.Metrics} {_startedWith.Logging}";
            LogNeedsRestart(sections, inForce);
        }

        return true;
    }

    public void Dispose() => _reloadRegistration.Dispose();

    private IEnumerable<string> ChangedSections((JournaldOptions Journald, MetricsOptions Metrics, LoggingOptions Logging) next)
    {
        if (next.Journald != _startedWith.Journald)
        {
            yield return JournaldOptions.SectionName + ":*";
        }

        if (next.Metrics != _startedWith.Metrics)
        {
            yield return MetricsOptions.SectionName + ":*";
        }

        if (next.Logging != _startedWith.Logging)
        {
            yield return LoggingOptions.SectionName + ":*";
        }
    }

    [LoggerMessage(EventId = LogEvents.ConfigurationReloaded, Level = LogLevel.Information, Message = "Configuration reloaded: {Configuration}")]
    private partial void LogReloaded(string configuration);

    [LoggerMessage(EventId = LogEvents.ConfigurationNeedsRestart, Level = LogLevel.Warning,
        Message = "Configuration change to {Sections} takes effect at the next start (systemctl restart conntrackwatch); until then in force: {Configuration}")]
    private partial void LogNeedsRestart(string sections, string configuration);

    [LoggerMessage(EventId = LogEvents.ConfigurationRejected, Level = LogLevel.Error,
        Message = "Configuration change rejected: {Problems} Keeping the values in force: {Configuration}")]
    private partial void LogRejected(string problems, string configuration);
}
