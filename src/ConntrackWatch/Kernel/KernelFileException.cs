namespace ConntrackWatch.Kernel;

/// <summary>A kernel file that opened but is not what the kernel puts there: the fault it is, and why.</summary>
internal sealed class KernelFileException(ReadStatus status, string detail) : IOException(detail)
{
    public ReadStatus Status { get; } = status;
}
