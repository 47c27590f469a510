using System.Globalization;
using System.Text.Json;
using ConntrackWatch.Kernel;
using Microsoft.Extensions.Configuration;

namespace ConntrackWatch.Configuration;

/// <summary>
/// Catches load errors of the JSON configuration files. On a reload, the file provider would otherwise drop the
/// broken file's values (falling back to defaults) or throw on a watcher thread; instead the error is kept here,
/// and start-up fails with it or the reload is rejected with it. It also owns the files' providers, whose watchers
/// (inotify instances, a limited resource) end with it: the JSON sources do not dispose a provider given to them.
/// </summary>
internal sealed class ConfigurationFileErrors : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<IDisposable> _owned = [];
    private string? _latest;

    /// <summary>Keeps <paramref name="provider"/> to dispose with this.</summary>
    public T Own<T>(T provider)
        where T : IDisposable
    {
        lock (_gate)
        {
            _owned.Add(provider);
        }

        return provider;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _owned.ForEach(owned => owned.Dispose());
            _owned.Clear();
        }
    }

    /// <summary>Installs the handler for every file source added after this call.</summary>
    public void Attach(IConfigurationBuilder builder) => builder.SetFileLoadExceptionHandler(context =>
    {
        string file = context.Provider.Source.Path ?? "(unknown file)";
        if (context.Provider.Source.FileProvider is BoundedFileProvider bounded)
        {
            file = bounded.FullPath(file);
        }

        string problem = Describe(context.Exception, file);
        lock (_gate)
        {
            _latest = problem;
        }

        context.Ignore = true;
    });

    /// <summary>What went wrong with <paramref name="file"/>, and the fix, from the provider's exception chain.</summary>
    public static string Describe(Exception exception, string file)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case JsonException json:
                    return string.Create(CultureInfo.InvariantCulture,
                        $"cannot parse {file}: line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}: {FirstSentence(json.Message)} Fix the JSON syntax of that file.");
                case UnauthorizedAccessException:
                    return $"cannot read {file}: permission denied for user {Environment.UserName}. Make it readable (chmod 0644 {file}): " +
                        "the shipped unit runs as an unprivileged dynamic user.";
                case KernelFileException kernelFile:
                    return $"cannot read {file}: {kernelFile.Message}.";
            }
        }

        return $"cannot read {file}: {exception.InnerException?.Message ?? exception.Message}";
    }

    // "'x' is invalid after a value. Expected either ',', '}', or ']'. LineNumber: 0 | BytePositionInLine: 34."
    private static string FirstSentence(string message)
    {
        int lineNumber = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return lineNumber > 0 ? message[..lineNumber] : message;
    }

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
