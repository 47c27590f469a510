namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>How telling a namespace's name is: a better one found later (an ip netns name) replaces a weaker one.</summary>
internal enum NameRank
{
    Process,
    Unit,
    DockerNetns,
    Container,
    IpNetns,

    /// <summary>Pid 1's namespace, seen from another one (status run inside a namespace): the host's.</summary>
    Host,
}
