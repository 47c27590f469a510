namespace ConntrackWatch.Kernel;

/// <summary>What the memory ceiling is computed from.</summary>
/// <param name="Percent">The share of MemTotal conntrack may use.</param>
/// <param name="BytesPerEntry">Kernel memory per entry; null derives it from slabinfo.</param>
internal readonly record struct CeilingSettings(string ProcRoot, int Percent, int? BytesPerEntry);
