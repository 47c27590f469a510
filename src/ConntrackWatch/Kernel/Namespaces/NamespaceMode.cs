namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>Which network namespaces the daemon watches (Conntrack:Namespaces).</summary>
public enum NamespaceMode
{
    /// <summary>Every namespace on the host it can see: those of processes and those bind-mounted (ip netns, Docker).</summary>
    All,

    /// <summary>The host's own namespace only.</summary>
    Host,
}
