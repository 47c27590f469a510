namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>Before any test runs: puts back the real sysctls a killed earlier run left changed.</summary>
public sealed class LeftoverSysctls
{
    public LeftoverSysctls()
    {
        if (Prerequisite.IsRoot)
        {
            Restored = SysctlRecords.Default.RestoreAll();
        }
    }

    public IReadOnlyList<string> Restored { get; } = [];
}
