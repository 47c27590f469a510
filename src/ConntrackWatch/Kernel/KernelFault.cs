namespace ConntrackWatch.Kernel;

/// <summary>Why a kernel file or source could not be used: what kind of fault, where, and what was found.</summary>
internal readonly record struct KernelFault(ReadStatus Status, string Path, string Detail)
{
    /// <summary>"path: detail", for a status line or a report.</summary>
    public override string ToString() => $"{Path}: {Detail}";
}
