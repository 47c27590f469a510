using Microsoft.Extensions.Configuration;

namespace ConntrackWatch.Configuration;

/// <summary>
/// Catches load errors of the JSON configuration files. On a reload, the file provider would otherwise drop the
/// broken file's values (falling back to defaults) or throw on a watcher thread; instead the error is kept here,
/// and start-up fails with it or the reload is rejected with it.
/// </summary>
internal sealed class ConfigurationFileErrors
{
    private readonly Lock _gate = new();
    private string? _latest;

    /// <summary>Installs the handler for every file source added after this call.</summary>
    public void Attach(IConfigurationBuilder builder) => builder.SetFileLoadExceptionHandler(context =>
    {
        string file = context.Provider.Source.Path ?? "(unknown file)";
        if (context.Provider.Source.FileProvider?.GetFileInfo(file).PhysicalPath is { } physical)
        {
            file = physical;
        }

        string detail = context.Exception.InnerException?.Message ?? context.Exception.Message;
        lock (_gate)
        {
            _latest = $"cannot parse {file}: {detail} Fix the JSON syntax of that file.";
        }

        context.Ignore = true;
    });

    /// <summary>The newest load error since the last call, or null; clears it.</summary>
    public string? Take()
    {
        lock (_gate)
        {
            string? latest = _latest;
            _latest = null;
            return latest;
        }
    }
}
