namespace ConntrackWatch.Kernel;

/// <summary>
/// The outcome of one read or write of a kernel file or socket: a value, or a fault naming the path (or source)
/// and what was wrong. Faults are values, not exceptions.
/// </summary>
/// <param name="Value">The value read or written; on a fault, default, or what may still be used (see the reader).</param>
/// <param name="Path">The file, or the source such as "ctnetlink", the value came from or the fault happened at.</param>
/// <param name="Detail">What was wrong; null when <see cref="Status"/> is <see cref="ReadStatus.Ok"/>.</param>
internal readonly record struct KernelResult<T>(ReadStatus Status, T Value, string Path, string? Detail)
{
    public bool IsOk => Status == ReadStatus.Ok;

    /// <summary>The fault, or null when the result is good.</summary>
    public KernelFault? Fault => IsOk ? null : new KernelFault(Status, Path, Detail ?? string.Empty);

    public static implicit operator KernelResult<T>(KernelFault fault) => new(fault.Status, default!, fault.Path, fault.Detail);
}

/// <summary>Builds <see cref="KernelResult{T}"/> values without naming the type twice.</summary>
internal static class KernelResult
{
    public static KernelResult<T> Ok<T>(string path, T value) => new(ReadStatus.Ok, value, path, null);

    public static KernelFault Fault(ReadStatus status, string path, string detail) => new(status, path, detail);

    /// <summary>Maps an exception from opening, reading or writing <paramref name="path"/> to a fault.</summary>
    public static KernelFault FromException(Exception exception, string path) => exception switch
    {
        KernelFileException kernelFile => Fault(kernelFile.Status, path, kernelFile.Message),
        FileNotFoundException or DirectoryNotFoundException =>
            Fault(ReadStatus.Missing, path, "the file does not exist"),
        UnauthorizedAccessException =>
            Fault(ReadStatus.Denied, path, "permission denied"),
        _ => Fault(ReadStatus.Failed, path, exception.Message),
    };
}
