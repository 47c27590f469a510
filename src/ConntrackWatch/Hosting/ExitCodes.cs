namespace ConntrackWatch.Hosting;

/// <summary>Process exit codes: sysexits.h for the daemon, the monitoring-plugin convention for <c>status</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>EX_USAGE: an unknown command.</summary>
    public const int Usage = 64;

    /// <summary>EX_CONFIG: the unit's RestartPreventExitStatus=78 keeps systemd from restarting into the same error.</summary>
    public const int InvalidConfiguration = 78;

    public const int StatusOk = 0;
    public const int StatusWarning = 1;
    public const int StatusCritical = 2;
    public const int StatusUnknown = 3;
}
