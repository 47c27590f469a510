using ConntrackWatch.Service;

namespace ConntrackWatch.Tests.Support;

/// <summary>A publisher that keeps every poll report it is handed: the observable sign that a poll completed.</summary>
internal sealed class ReportRecorder : IPollPublisher
{
    private readonly List<PollReport> _reports = [];

    public int Count
    {
        get
        {
            lock (_reports)
            {
                return _reports.Count;
            }
        }
    }

    public PollReport this[int index]
    {
        get
        {
            lock (_reports)
            {
                return _reports[index];
            }
        }
    }

    /// <summary>When each poll completed, in order.</summary>
    public DateTimeOffset[] Times()
    {
        lock (_reports)
        {
            return [.. _reports.Select(r => r.Time)];
        }
    }

    public void Publish(in PollReport report)
    {
        lock (_reports)
        {
            _reports.Add(report);
        }
    }
}
