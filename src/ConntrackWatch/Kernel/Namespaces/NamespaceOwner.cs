namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Who owns a network namespace, by its owning user namespace: the host's (root, the container runtimes, systemd),
/// or a user namespace an unprivileged user made (<c>unshare -rn</c>, a rootless container), whose owner may fill
/// its table at will and so must not move the host-wide maximum by default.
/// </summary>
internal enum NamespaceOwner
{
    System,
    User,
}
