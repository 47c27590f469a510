using ConntrackWatch.Hosting;

// Before anything touches them: a closed standard stream is put on /dev/null (Console.Out on a closed fd 1 throws).
TextWriter stdout = StandardStreams.ReopenClosed() ? StandardStreams.ClosedOutput : Console.Out;
OpenFileLimit.Raise();
return await ConntrackWatchApp.RunAsync(args, HostSettings.Default, stdout, Console.Error, CancellationToken.None)
    .ConfigureAwait(false);
