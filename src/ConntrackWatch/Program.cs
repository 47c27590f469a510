using ConntrackWatch.Hosting;

return await ConntrackWatchApp.RunAsync(args, HostSettings.Default, Console.Out, Console.Error, CancellationToken.None)
    .ConfigureAwait(false);
