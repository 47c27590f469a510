namespace ConntrackWatch.Hosting;

/// <summary>Process exit codes from sysexits.h; <c>status</c> exits with its <see cref="Status.StatusState"/>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>EX_USAGE: an unknown command.</summary>
    public const int Usage = 64;

    /// <summary>EX_CONFIG: the unit's RestartPreventExitStatus=78 keeps systemd from restarting into the same error.</summary>
    public const int InvalidConfiguration = 78;

    /// <summary>EX_TEMPFAIL: another daemon already watches the same proc; try again once it has stopped.</summary>
    public const int AlreadyRunning = 75;
}
