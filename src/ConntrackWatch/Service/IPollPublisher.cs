namespace ConntrackWatch.Service;

/// <summary>Takes each poll's report somewhere: systemd's STATUS= line, the metrics textfile, the meter.</summary>
internal interface IPollPublisher
{
    void Publish(in PollReport report);
}
