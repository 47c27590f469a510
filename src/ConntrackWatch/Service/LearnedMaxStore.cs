using System.Text;
using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using Microsoft.Win32.SafeHandles;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// Keeps the learned maximum in the service's state directory (StateDirectory=conntrackwatch): written atomically
/// after each raise, read once at start. A missing, corrupt or unreadable file is logged and ignored, never fatal.
/// </summary>
internal sealed partial class LearnedMaxStore(TimeProvider time, ILogger<LearnedMaxStore> logger)
{
    public const string FileName = "learned-max";

    // Two short lines: anything longer is not this file.
    private const int MaxFileSize = 4096;

    private readonly RepeatLimiter _saveFaults = new(time);

    /// <summary>Writes <paramref name="max"/> as learned now; a failure is logged (without flooding) and polling goes on.</summary>
    public void Remember(string? directory, long max, TimeSpan repeatInterval)
    {
        if (directory is null)
        {
            return;
        }

        string path = Path.Combine(directory, FileName);
        string temporary = Path.Combine(directory, $".{FileName}.{Guid.NewGuid():N}");
        try
        {
            using (var file = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write }))
            {
                file.Write(Encoding.UTF8.GetBytes(new LearnedMax(max, time.GetUtcNow()).Format()));
                file.Flush(flushToDisk: true); // the rename below must not publish an empty file after a crash
            }

            File.Move(temporary, path, overwrite: true);
            _saveFaults.Clear();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            string problem = e switch
            {
                DirectoryNotFoundException => "the directory does not exist",
                UnauthorizedAccessException => "permission denied",
                _ => e.Message,
            };
            if (_saveFaults.ShouldReport(problem, repeatInterval))
            {
                LogNotSaved(path, max, problem);
            }
        }
    }

    /// <summary>The learned maximum, or null (logged) when there is none or it cannot be used.</summary>
    public LearnedMax? Recall(string? directory)
    {
        if (directory is null)
        {
            return null;
        }

        string path = Path.Combine(directory, FileName);
        string problem;
        try
        {
            if (!Path.Exists(path))
            {
                LogNone(path);
                return null;
            }

            // Opened without blocking and only as a regular file: a FIFO or a device here cannot hang the start.
            using SafeFileHandle file = KernelFile.OpenRead(path, "delete it; it is rewritten at the next raise");
            byte[] buffer = new byte[MaxFileSize + 1];
            int length = ProcFileReader.ReadFromStart(file, buffer);
            if (length > MaxFileSize)
            {
                problem = $"larger than {MaxFileSize} bytes";
            }
            else if (LearnedMax.TryParse(Encoding.UTF8.GetString(buffer, 0, length), out LearnedMax learned, out problem))
            {
                return learned;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = KernelResult.FromException(e, path).Detail;
        }

        LogIgnored(path, problem);
        return null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The save already failed and is reported; a stray temporary file is harmless.
        }
    }

    [LoggerMessage(EventId = LogEvents.LearnedMaxNone, Level = LogLevel.Information,
        Message = "No learned maximum in {Path} yet: nothing to restore; one is kept after the first raise")]
    private partial void LogNone(string path);

    [LoggerMessage(EventId = LogEvents.LearnedMaxIgnored, Level = LogLevel.Warning,
        Message = "Ignoring the learned maximum in {Path}: {Problem}. Nothing is restored; the file is rewritten at the next raise (or delete it)")]
    private partial void LogIgnored(string path, string problem);

    [LoggerMessage(EventId = LogEvents.LearnedMaxNotSaved, Level = LogLevel.Error,
        Message = "Cannot keep the learned maximum {NewMax} in {Path}: {Problem}. After a reboot the kernel's default applies until the table climbs again; check StateDirectory= (or Conntrack:StateDirectory)")]
    private partial void LogNotSaved(string path, long newMax, string problem);
}
