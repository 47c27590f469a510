namespace ConntrackWatch.Configuration;

/// <summary>The <c>Logging</c> section: how events look where journald is not used.</summary>
public sealed record LoggingOptions
{
    public const string SectionName = "Logging";

    /// <summary>Text lines, JSON lines, or Auto: text on a terminal, JSON where neither journald nor a terminal is there (a container).</summary>
    public LogFormat Format { get; set; } = LogFormat.Auto;

    /// <summary>Whether standard error gets JSON lines, given whether it is a terminal.</summary>
    public bool IsJson(bool stderrIsTerminal) => Format == LogFormat.Json || (Format == LogFormat.Auto && !stderrIsTerminal);
}

/// <summary>What standard error's events look like.</summary>
public enum LogFormat
{
    Auto,
    Text,
    Json,
}
