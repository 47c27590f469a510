using System.Diagnostics.Metrics;
using ConntrackWatch.Configuration;
using ConntrackWatch.Logging;
using ConntrackWatch.Metrics;
using ConntrackWatch.Service;
using Microsoft.Extensions.Logging.Testing;

namespace ConntrackWatch.Tests.Metrics;

public sealed class MetricsPublishingTests
{
    [Fact]
    public async Task RewritesTheTextfileAfterEachPollWorldReadableAndAtomically()
    {
        using var directory = new TempDirectory();
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100), ("Metrics:TextfilePath", directory.Path), ("Conntrack:PollInterval", "00:00:05"));
        using ConntrackWorker worker = harness.CreateWorker(new FakeLogger<ConntrackWorker>());
        string file = directory.Combine(MetricsOptions.FileName);
        CancellationToken cancel = TestContext.Current.CancellationToken;

        await worker.StartAsync(cancel);
        await Eventually.TrueAsync(() => File.Exists(file) && File.ReadAllText(file).Contains("conntrackwatch_max_entries 120\n", StringComparison.Ordinal), "the first poll wrote the textfile");
        harness.Tree.Write(FakeProcTree.ModernCount, "72\n");
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => File.ReadAllText(file).Contains("conntrackwatch_max_entries 144\n", StringComparison.Ordinal), "the next poll rewrote it");
        await worker.StopAsync(cancel);

        Assert.Contains("conntrackwatch_raises_total 2\n", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
        Assert.Equal([file], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void SaysOnceWhenTheTextfileCannotBeWritten()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 1, max: 100), ("Metrics:TextfilePath", "/nonexistent-directory/metrics"));
        var publisher = harness.Get<MetricsPublisher>();
        PollReport report = harness.Poll();

        publisher.Publish(report);
        publisher.Publish(report);

        Assert.Contains("/nonexistent-directory/metrics/conntrackwatch.prom", Assert.Single(harness.Logged(LogEvents.MetricsWriteFailed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishesTheSameFiguresThroughTheConntrackWatchMeter()
    {
        using var harness = new PollHarness(FakeProcTree.Modern(count: 65, max: 100).WithStat(drop: 9));
        harness.PollAndPublish();
        Dictionary<string, double> seen = Observe(harness);

        Assert.Equal(65, seen["conntrack.entries"]);
        Assert.Equal(120, seen["conntrack.max"]);
        Assert.Equal(9, seen["conntrack.kernel.drops"]);
        Assert.Equal(1, seen["conntrackwatch.raises"]);
    }

    [Fact]
    public void TheMeterReadsThePublishedPollsFiguresWhateverTheNextPollDoesToItsLists()
    {
        // The exporter observes on a thread of its own while the next poll refills the reader's lists.
        using var harness = new PollHarness(FakeProcTree.Modern(count: 5, max: 1000).WithProcessNamespace(100, entries: 40));
        harness.PollAndPublish();
        harness.Tree.WithProcessNamespace(200, entries: 30).WithProcessNamespace(300, entries: 20);
        harness.Time.Advance(TimeSpan.FromMinutes(1)); // past the scan interval: the next poll finds both
        Assert.Equal(4, harness.Poll().Verdict.NamespaceCount); // read, not published
        Dictionary<string, double> seen = Observe(harness);

        Assert.Equal(2, seen["conntrack.namespaces"]); // the host's and pid 100's, as published
        Assert.Equal(45, seen["conntrack.entries.all_namespaces"]);
    }

    [Fact]
    public void MeasuresTheFullestNamespacesWithANamespaceTagUpToTheLimit()
    {
        using var harness = new PollHarness(
            FakeProcTree.Modern(count: 5, max: 1000).WithProcessNamespace(100, entries: 40).WithProcessNamespace(200, entries: 30, comm: "vpn\n")
                .WithProcessNamespace(300, entries: 1),
            ("Metrics:NamespaceSeries", "3"));
        harness.PollAndPublish();
        var seen = new Dictionary<string, long>();
        var factory = harness.Get<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "conntrack.namespace.entries" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => seen[(string)tags[0].Value!] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(new Dictionary<string, long> { ["host"] = 5, ["pid 100 (sleep)"] = 40, ["pid 200 (vpn)"] = 30 }, seen);
    }

    // Every instrument of this harness's meter, observed once. Its meter only: other tests' daemons run meters of
    // the same name in this process.
    private static Dictionary<string, double> Observe(PollHarness harness)
    {
        var seen = new Dictionary<string, double>();
        var factory = harness.Get<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ConntrackMeter.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => seen[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    [Fact]
    public void RejectsARelativeTextfilePath()
    {
        var result = new MetricsOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, new MetricsOptions { TextfilePath = "metrics" });

        Assert.Contains("Metrics:TextfilePath must be an absolute path", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
