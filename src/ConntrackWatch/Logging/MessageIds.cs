namespace ConntrackWatch.Logging;

/// <summary>
/// The journal MESSAGE_ID (128 bits, 32 lowercase hex digits) of each audit event, so that
/// <c>journalctl MESSAGE_ID=...</c> finds every event of a kind and <c>journalctl -x</c> explains it from
/// deploy/conntrackwatch.catalog. Never change an id once shipped: admins' queries depend on it.
/// </summary>
internal static class MessageIds
{
    public static IReadOnlyDictionary<int, string> ByEventId { get; } = new Dictionary<int, string>
    {
        [LogEvents.Started] = "b56af0b30c624a32a3fb33f7c0550f74",
        [LogEvents.Stopping] = "3acf2a513aa84ca5b3aaf33adc966ef0",
        [LogEvents.PollFailed] = "42610bba018c407bb4a26178097c693f",
        [LogEvents.WatchdogEnabled] = "5a5dabdc737541e4995de13894aeb0c3",
        [LogEvents.WatchdogWithheld] = "9a9d36a37ac94d3e9d20ed2f0893c478",
        [LogEvents.LayoutDetected] = "6d710cb025854855886ee612b60dcf12",
        [LogEvents.Unavailable] = "475f0ff3d8874f308849e2336d5406e0",
        [LogEvents.ReadFault] = "421e3b201a28461c9fbcf0ede8693b85",
        [LogEvents.ReadRecovered] = "4816249817e74346ba147d353e56c647",
        [LogEvents.CeilingComputed] = "31bdbbc11127491ead6a33ea17faef7c",
        [LogEvents.CeilingFault] = "429bcb0c60b34f5e80fabff40f418e08",
        [LogEvents.CeilingRecovered] = "850f5ea4a1b246cf9a52600e4f788467",
        [LogEvents.KernelDrops] = "952a04dbd74a467ab4e741bc410f01ed",
        [LogEvents.CountersUnavailable] = "15bf3c041b3f4f588488745cd4abb9b4",
        [LogEvents.Raised] = "0188042c53234f66b3e7f64c4496bf9b",
        [LogEvents.DryRunDecision] = "9fcdceb8e9604259b12aac68290b2d46",
        [LogEvents.CeilingAlarm] = "cfe62642d9834fa6975ab8659bf2e850",
        [LogEvents.CeilingAlarmCleared] = "b86e02ee69c940f288a0892a7b3af761",
        [LogEvents.RaiseRefusedNoCeiling] = "df956b8064da4e888d071ee509f701fb",
        [LogEvents.WriteFailed] = "00ac522872f841a591104125874ac070",
        [LogEvents.ReadBackMismatch] = "f5b649aa11e646538b2845b84d9b6771",
        [LogEvents.BucketsResized] = "9834cac87fe54f55a58ad4aa9f419730",
        [LogEvents.BucketsNotResized] = "c77bcb647dbe44f1a1c3271fdbea5316",
        [LogEvents.ConfigurationReloaded] = "62bcb28e6ffb45ffb09e554a21056be4",
        [LogEvents.ConfigurationRejected] = "f1621655e83a451ebe2983c18b028377",
        [LogEvents.ReloadRequested] = "4dda49db211d4164a2cedd361de2fdc6",
        [LogEvents.ConfigurationNeedsRestart] = "e8e5999de8ce4b6fb87f7a909bd66bbb",
        [LogEvents.LearnedMaxRestored] = "c630268cbc084fb98fdb6b2df020b8bd",
        [LogEvents.LearnedMaxNone] = "c145a016283f43ca9578098c702b4680",
        [LogEvents.LearnedMaxIgnored] = "548e2782279445288402e960da17830f",
        [LogEvents.LearnedMaxNotSaved] = "45a8cbe63d0c4e7ab4c98bae2ecf05f4",
        [LogEvents.MaxLowered] = "471aea8b771b4d358f35db07e8b783d3",
        [LogEvents.MetricsWriteFailed] = "ae2708659bb14f2da2447ea3c3a1cd3c",
        [LogEvents.MetricsListening] = "75f64bbecb2b4d53a98bb08d483d169a",
        [LogEvents.MetricsCannotListen] = "9f17a5e3f7f944ab8f30f2d9e39895be",
        [LogEvents.NamespacesNotVisible] = "b11d21d946dc4c26b51e0d0ce9864111",
        [LogEvents.NamespacesNearCeiling] = "83a7e278f01f4ec88e9e498ef46696d5",
        [LogEvents.BreakdownCaptured] = "b874b99ec5564a9599781b4c20e28e29",
        [LogEvents.BreakdownFailed] = "0b50c2d9e1fb4f2ba6842ba44a880ca7",
    };
}
