using System.ComponentModel.DataAnnotations;

namespace ConntrackWatch.Configuration;

/// <summary>The <c>Journald</c> section: where the audit trail goes.</summary>
public sealed record JournaldOptions : IValidatableObject
{
    public const string SectionName = "Journald";

    /// <summary>The longest path a Unix socket address takes.</summary>
    public const int MaxSocketPathBytes = 107;

    /// <summary>true: journald; false: the console; left out: journald when running under systemd.</summary>
    public bool? Enabled { get; set; }

    /// <summary>journald's native socket; a journal namespace NAME listens on /run/systemd/journal.NAME/socket.</summary>
    public string SocketPath { get; set; } = "/run/systemd/journal/socket";

    public string SyslogIdentifier { get; set; } = "conntrackwatch";

    /// <summary>Whether to log to journald, given the process environment.</summary>
    public bool UseJournald(Func<string, string?> environment) =>
        Enabled ?? (environment("JOURNAL_STREAM") is not null || environment("INVOCATION_ID") is not null);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Path.IsPathFullyQualified(SocketPath ?? string.Empty))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SocketPath)} must be an absolute path such as /run/systemd/journal/socket (found '{SocketPath}').");
        }

        // sockaddr_un holds 108 bytes, the terminating NUL included.
        if (SocketPath is not null && System.Text.Encoding.UTF8.GetByteCount(SocketPath) > MaxSocketPathBytes)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SocketPath)} is {System.Text.Encoding.UTF8.GetByteCount(SocketPath)} bytes long; a Unix socket path holds at most {MaxSocketPathBytes} (found '{SocketPath}').");
        }

        if (string.IsNullOrWhiteSpace(SyslogIdentifier) || SyslogIdentifier.Any(char.IsWhiteSpace))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SyslogIdentifier)} must be one word such as conntrackwatch (found '{SyslogIdentifier}').");
        }
    }
}
