namespace ConntrackWatch.Kernel;

/// <summary>The outcome of reading one number from one kernel file.</summary>
internal readonly record struct ProcRead(ReadStatus Status, long Value, string Path, string? Detail)
{
    public bool IsOk => Status == ReadStatus.Ok;

    public static ProcRead Ok(string path, long value) => new(ReadStatus.Ok, value, path, null);

    public static ProcRead Fault(ReadStatus status, string path, string detail) => new(status, 0, path, detail);

    /// <summary>Maps an exception from opening or reading <paramref name="path"/> to a result.</summary>
    public static ProcRead FromException(Exception exception, string path) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException =>
            Fault(ReadStatus.Missing, path, "the file does not exist"),
        UnauthorizedAccessException =>
            Fault(ReadStatus.Denied, path, "permission denied"),
        _ => Fault(ReadStatus.Failed, path, exception.Message),
    };
}
