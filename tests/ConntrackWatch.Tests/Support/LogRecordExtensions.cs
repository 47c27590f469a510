using System.Globalization;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Support;

public static class LogRecordExtensions
{
    /// <summary>A named property of a [LoggerMessage] record: what becomes a journal field.</summary>
    public static string? Property(this FakeLogRecord record, string name) =>
        record.StructuredState?.FirstOrDefault(p => p.Key == name).Value;

    public static long Number(this FakeLogRecord record, string name) =>
        long.Parse(record.Property(name) ?? throw new KeyNotFoundException(name), CultureInfo.InvariantCulture);
}
