using System.ComponentModel.DataAnnotations;
using System.Globalization;
using ConntrackWatch.Decisions;
using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Kernel.Reading;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Configuration;

/// <summary>
/// The <c>Conntrack</c> section: what to watch, when to raise, and how far. A record: two sets of options are
/// equal when every value is, so a reload can never miss a changed key.
/// </summary>
public sealed record ConntrackOptions : IValidatableObject
{
    public const string SectionName = "Conntrack";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public CountSource CountSource { get; set; } = CountSource.Auto;

    public string ProcRoot { get; set; } = "/proc";

    /// <summary>Where the host's / is seen, for the container runtimes' records (names of containers and pods).</summary>
    public string HostRoot { get; set; } = "/";

    public int HighWaterPercent { get; set; } = 60;

    public double RaiseMultiplier { get; set; } = 2.0;

    public int MemoryCeilingPercent { get; set; } = 70;

    /// <summary>Kernel memory one entry costs; null derives it from slabinfo.</summary>
    public int? BytesPerEntry { get; set; }

    public TimeSpan CeilingRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan WindowLength { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan AlarmRepeatInterval { get; set; } = TimeSpan.FromMinutes(5);

    public bool DryRun { get; set; }

    /// <summary>Where the kernel's drop counters come from.</summary>
    public StatsSource StatsSource { get; set; } = StatsSource.Auto;

    /// <summary>Raise early when the trend reaches the high-water mark within this; 00:00:00 turns it off.</summary>
    public TimeSpan Lookahead { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Resize the hash table with the maximum, to <see cref="EntriesPerBucket"/> entries per bucket.</summary>
    public bool ResizeBuckets { get; set; } = true;

    public int EntriesPerBucket { get; set; } = 4;

    /// <summary>At the first poll, put back the max learned before a reboot when the kernel's is lower.</summary>
    public bool RestoreLearnedMax { get; set; } = true;

    /// <summary>
    /// Where the learned max is kept: systemd's $STATE_DIRECTORY (StateDirectory=conntrackwatch) unless set;
    /// none: it is not kept.
    /// </summary>
    public string? StateDirectory { get; set; } = FirstPath(Environment.GetEnvironmentVariable("STATE_DIRECTORY"));

    /// <summary>All: every network namespace on the host is watched (containers, pods, ip netns); Host: the host's only.</summary>
    public NamespaceMode Namespaces { get; set; } = NamespaceMode.All;

    /// <summary>
    /// Whose namespaces may raise the host-wide maximum: System (the host's, its runtimes' and services'), or All
    /// (also those unprivileged users own through a user namespace of their own).
    /// </summary>
    public RaiseFor RaiseFor { get; set; } = RaiseFor.System;

    /// <summary>How often /proc is scanned for new network namespaces (a vanished one triggers a scan at once).</summary>
    public TimeSpan NamespaceScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Capture who fills a table (top sources, destinations, protocols, TCP states) when a namespace reaches the
    /// mark, drops packets or meets the ceiling, at most once per AlarmRepeatInterval per namespace.
    /// </summary>
    public bool Breakdown { get; set; } = true;

    /// <summary>How many lines each list of a breakdown shows (top sources, destinations, ...).</summary>
    public int BreakdownTop { get; set; } = 10;

    /// <summary>What the kernel reader needs of these options.</summary>
    internal ReadSettings Reading =>
        new(ProcRoot, CountSource, StatsSource, MemoryCeilingPercent, BytesPerEntry, CeilingRefreshInterval, Namespaces, NamespaceScanInterval)
        {
            HostRoot = HostRoot,
        };

    /// <summary>What the threshold policy needs of these options.</summary>
    internal PolicySettings Policy => new(HighWaterPercent, RaiseMultiplier, Lookahead, RaiseFor);

    /// <summary>One line with every effective value, for the start-up and reload log.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"PollInterval={PollInterval:c} CountSource={CountSource} ProcRoot={ProcRoot} HostRoot={HostRoot} " +
        $"HighWaterPercent={HighWaterPercent} RaiseMultiplier={RaiseMultiplier} " +
        $"MemoryCeilingPercent={MemoryCeilingPercent} BytesPerEntry={(BytesPerEntry is { } b ? b.ToString(CultureInfo.InvariantCulture) : "auto")} " +
        $"CeilingRefreshInterval={CeilingRefreshInterval:c} WindowLength={WindowLength:c} " +
        $"AlarmRepeatInterval={AlarmRepeatInterval:c} DryRun={DryRun} StatsSource={StatsSource} Lookahead={Lookahead:c} " +
        $"ResizeBuckets={ResizeBuckets} EntriesPerBucket={EntriesPerBucket} " +
        $"RestoreLearnedMax={RestoreLearnedMax} StateDirectory={(string.IsNullOrWhiteSpace(StateDirectory) ? "none" : StateDirectory)} " +
        $"Namespaces={Namespaces} RaiseFor={RaiseFor} NamespaceScanInterval={NamespaceScanInterval:c} Breakdown={Breakdown} BreakdownTop={BreakdownTop}");

    /// <summary>
    /// Every rule names its key, the allowed range and the value found. Results carry no member names, so the
    /// message reaches the admin exactly as written here.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        ValidationResult?[] results =
        [
            InRange(PollInterval, nameof(PollInterval), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            Enum.IsDefined(CountSource) ? null : Fail($"{nameof(CountSource)} must be Auto, CountFile or Table (found {CountSource})."),
            Path.IsPathFullyQualified(ProcRoot ?? string.Empty) ? null
                : Fail($"{nameof(ProcRoot)} must be an absolute path such as /proc (found '{ProcRoot}')."),
            Path.IsPathFullyQualified(HostRoot ?? string.Empty) ? null
                : Fail($"{nameof(HostRoot)} must be an absolute path such as / (found '{HostRoot}')."),
            InRange(HighWaterPercent, nameof(HighWaterPercent), 1, 99),
            InRange(RaiseMultiplier, nameof(RaiseMultiplier), 1.01, 100.0),
            InRange(MemoryCeilingPercent, nameof(MemoryCeilingPercent), 1, 95),
            BytesPerEntry is { } bytes ? InRange(bytes, nameof(BytesPerEntry), MemoryCeiling.MinBytesPerEntry, MemoryCeiling.MaxBytesPerEntry) : null,
            InRange(CeilingRefreshInterval, nameof(CeilingRefreshInterval), TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)),
            InRange(WindowLength, nameof(WindowLength), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            InRange(AlarmRepeatInterval, nameof(AlarmRepeatInterval), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            Enum.IsDefined(StatsSource) ? null : Fail($"{nameof(StatsSource)} must be Auto, Netlink or File (found {StatsSource})."),
            InRange(Lookahead, nameof(Lookahead), TimeSpan.Zero, TimeSpan.FromHours(1)),
            InRange(EntriesPerBucket, nameof(EntriesPerBucket), 1, 64),
            string.IsNullOrEmpty(StateDirectory) || Path.IsPathFullyQualified(StateDirectory) ? null
                : Fail($"{nameof(StateDirectory)} must be an absolute path such as /var/lib/conntrackwatch (found '{StateDirectory}')."),
            Enum.IsDefined(Namespaces) ? null : Fail($"{nameof(Namespaces)} must be All or Host (found {Namespaces})."),
            Enum.IsDefined(RaiseFor) ? null : Fail($"{nameof(RaiseFor)} must be System or All (found {RaiseFor})."),
            InRange(NamespaceScanInterval, nameof(NamespaceScanInterval), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            InRange(BreakdownTop, nameof(BreakdownTop), 1, 100),
            RaiseMakesProgress(),
        ];
        return results.OfType<ValidationResult>();
    }

    // systemd joins several StateDirectory= paths with colons; the first is this service's own.
    private static string? FirstPath(string? paths) =>
        string.IsNullOrEmpty(paths) ? null : paths.Split(':')[0];

    // The new maximum is HighWaterPercent% x RaiseMultiplier of the old one; at 100% or less it would not grow.
    private ValidationResult? RaiseMakesProgress()
    {
        if (HighWaterPercent is < 1 or > 99)
        {
            return null; // reported by its own range check
        }

        double ratio = HighWaterPercent * RaiseMultiplier;
        return ratio > 100.0 ? null : Fail(
            $"{nameof(RaiseMultiplier)} ({RaiseMultiplier}) x {nameof(HighWaterPercent)} ({HighWaterPercent}) is {ratio}% of the old maximum: the new maximum would not exceed the old. Choose {nameof(RaiseMultiplier)} above {100.0 / HighWaterPercent:0.###}.");
    }

    private static ValidationResult? InRange<T>(T value, string key, T min, T max)
        where T : IComparable<T>, IFormattable =>
        value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0
            ? null
            : Fail($"{key} must be between {Format(min)} and {Format(max)} (found {Format(value)}).");

    private static string Format<T>(T value)
        where T : IFormattable =>
        value is TimeSpan span ? span.ToString("c", CultureInfo.InvariantCulture) : value.ToString(null, CultureInfo.InvariantCulture);

    private static ValidationResult Fail(FormattableString message) =>
        new($"{SectionName}:{FormattableString.Invariant(message)}");
}
