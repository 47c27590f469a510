namespace ConntrackWatch.Decisions;

/// <summary>Whose namespaces may move the host-wide maximum (Conntrack:RaiseFor).</summary>
public enum RaiseFor
{
    /// <summary>
    /// The host's and those of its runtimes and services: a namespace owned by an unprivileged user's user
    /// namespace is watched and shown, but its evidence does not raise, does not count for <c>status</c>'s exit
    /// code and sets off no breakdown.
    /// </summary>
    System,

    /// <summary>Every namespace, an unprivileged user's included.</summary>
    All,
}
