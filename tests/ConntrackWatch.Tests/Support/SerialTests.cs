namespace ConntrackWatch.Tests.Support;

/// <summary>
/// Tests that touch the real kernel or start processes: they run one at a time, never beside each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "Real kernel and processes";
}
