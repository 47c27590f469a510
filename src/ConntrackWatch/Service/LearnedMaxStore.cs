using System.Text;
using ConntrackWatch.Kernel;
using ConntrackWatch.Logging;
using Microsoft.Win32.SafeHandles;
using Microsoft.Extensions.Logging;

namespace ConntrackWatch.Service;

/// <summary>
/// Keeps the learned maximum in the service's state directory (StateDirectory=conntrackwatch): written atomically
/// after each raise, read once at start. A missing, corrupt or unreadable file is logged and ignored, never fatal.
/// It is root's file: kept only in a directory nobody else can write (<see cref="DirectoryTrust"/>), created
/// rw-r--r-- on its descriptor, read only as a bounded regular file and never through a link, and its content is
/// never quoted in a message.
/// </summary>
internal sealed partial class LearnedMaxStore(TimeProvider time, ILogger<LearnedMaxStore> logger)
{
    public const string FileName = "learned-max";

    // Two short lines: anything longer is not this file.
    private const int MaxFileSize = 4096;

    private const string Key = "Conntrack:StateDirectory";
    private const string Remedy = "delete it; it is rewritten at the next raise";

    private readonly RepeatLimiter _saveFaults = new(time);
    private AtomicFile? _file;

    /// <summary>Writes <paramref name="max"/> as learned now; a failure is logged (without flooding) and polling goes on.</summary>
    public void Remember(string? directory, long max, TimeSpan repeatInterval)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            return; // none: the learned max is not kept
        }

        string path = Path.Combine(directory, FileName);
        if (_file is null || _file.Path != path)
        {
            _file = new AtomicFile(path, Key, durable: true, ownerMatters: true);
        }

        if (_file.Write(Encoding.UTF8.GetBytes(new LearnedMax(max, time.GetUtcNow()).Format())) is { } problem)
        {
            if (_saveFaults.ShouldReport(problem, repeatInterval))
            {
                LogNotSaved(path, max, problem);
            }
        }
        else
        {
            _saveFaults.Clear();
        }
    }

    /// <summary>The learned maximum, or null (logged) when there is none or it cannot be used.</summary>
    public LearnedMax? Recall(string? directory)
    {
        LearnedMax? learned = Read(directory, out string? path, out string? problem);
        if (path is not null && learned is null)
        {
            if (problem is null)
            {
                LogNone(path);
            }
            else
            {
                LogIgnored(path, problem);
            }
        }

        return learned;
    }

    /// <summary>
    /// The learned maximum as the daemon reads it at start, for it and for <c>status</c>: null with no
    /// <paramref name="path"/> where no directory is set, with no <paramref name="problem"/> where there is no file,
    /// else with why it cannot be used.
    /// </summary>
    public static LearnedMax? Read(string? directory, out string? path, out string? problem)
    {
        path = problem = null;
        if (string.IsNullOrWhiteSpace(directory))
        {
            return null;
        }

        path = Path.Combine(directory, FileName);
        if (DirectoryTrust.ProblemOf(directory, Key, ownerMatters: true) is { } untrusted)
        {
            problem = untrusted;
            return null;
        }

        try
        {
            if (!FileIdentity.TryModeAndOwnerOf(path, followLinks: false, out _, out _))
            {
                return null;
            }

            // Opened without blocking, never through a link, and only as a regular file: a FIFO or a device here
            // cannot hang the start, and a link to another file cannot have it read.
            using SafeFileHandle file = KernelFile.OpenOwnRead(path, Remedy);
            byte[] buffer = new byte[MaxFileSize + 1];
            int length = ProcFileReader.ReadFromStart(file, buffer);
            if (length > MaxFileSize)
            {
                problem = $"larger than {MaxFileSize} bytes; {Remedy}";
            }
            else if (LearnedMax.TryParse(Encoding.UTF8.GetString(buffer, 0, length), out LearnedMax learned, out string parseProblem))
            {
                return learned;
            }
            else
            {
                problem = parseProblem;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = KernelResult.FromException(e, path).Detail;
        }

        return null;
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
