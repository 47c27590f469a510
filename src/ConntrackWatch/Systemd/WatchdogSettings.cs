using System.Globalization;

namespace ConntrackWatch.Systemd;

/// <summary>The watchdog systemd asks for with WatchdogSec=: WATCHDOG_USEC, for the process in WATCHDOG_PID.</summary>
internal static class WatchdogSettings
{
    /// <summary>The watchdog timeout, or null when systemd set none for this process.</summary>
    public static TimeSpan? FromEnvironment(Func<string, string?> environment, int processId)
    {
        if (!long.TryParse(environment("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) || usec <= 0)
        {
            return null;
        }

        string? pid = environment("WATCHDOG_PID");
        if (pid is not null && pid != processId.ToString(CultureInfo.InvariantCulture))
        {
            return null; // meant for another process (we were started by a child of the service)
        }

        return TimeSpan.FromMicroseconds(usec);
    }
}
