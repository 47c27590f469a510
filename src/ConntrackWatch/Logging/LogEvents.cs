namespace ConntrackWatch.Logging;

/// <summary>
/// The event ids of everything the daemon logs for the audit trail: stable, so that admins and tools can select
/// events by id.
/// </summary>
internal static class LogEvents
{
    public const int Started = 1;
    public const int Stopping = 2;
    public const int PollFailed = 3;
    public const int WatchdogEnabled = 4;
    public const int WatchdogWithheld = 5;

    public const int LayoutDetected = 10;
    public const int Unavailable = 11;
    public const int ReadFault = 12;
    public const int ReadRecovered = 13;
    public const int CeilingComputed = 14;
    public const int CeilingFault = 15;
    public const int CeilingRecovered = 16;
    public const int KernelDrops = 17;
    public const int CountersUnavailable = 18;

    public const int Raised = 20;
    public const int DryRunDecision = 21;
    public const int CeilingAlarm = 22;
    public const int CeilingAlarmCleared = 23;
    public const int RaiseRefusedNoCeiling = 24;
    public const int WriteFailed = 25;
    public const int ReadBackMismatch = 26;
    public const int BucketsResized = 27;
    public const int BucketsNotResized = 28;
    public const int LearnedMaxRestored = 29;

    public const int ConfigurationReloaded = 30;
    public const int ConfigurationRejected = 31;
    public const int ReloadRequested = 32;
    public const int ConfigurationNeedsRestart = 33;

    public const int LearnedMaxNone = 34;
    public const int LearnedMaxIgnored = 35;
    public const int LearnedMaxNotSaved = 36;
    public const int MaxLowered = 37;

    public const int MetricsWriteFailed = 40;
    public const int MetricsListening = 41;
    public const int MetricsCannotListen = 42;

    public const int NamespacesNotVisible = 50;
    public const int NamespacesNearCeiling = 51;
    public const int BreakdownCaptured = 52;
    public const int BreakdownFailed = 53;
}
