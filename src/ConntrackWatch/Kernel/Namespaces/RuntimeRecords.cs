using System.Text.Json;
using System.Text.RegularExpressions;
using ConntrackWatch.Text;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// The names container runtimes keep for what a cgroup names only by id, read from the host's own files: Docker's
/// <c>/var/lib/docker/containers/ID/config.v2.json</c> ("Name"), kubelet's <c>/var/log/pods/NAMESPACE_NAME_UID</c>
/// directories. Believed only where root keeps them (every file and directory on the way root's, no symbolic link
/// at the end), read bounded, escaped; asked only for a cgroup the runtime itself placed. Each answer is kept
/// (the scan asks once per new namespace), up to <see cref="MaxKept"/>.
/// </summary>
/// <param name="hostRoot">Where the host's / is seen: "/" on the host, the host's root mounted in a container.</param>
internal sealed partial class RuntimeRecords(string hostRoot)
{
    public const int MaxKept = 4096;

    /// <summary>The most bytes of a config.v2.json read: Docker's are a few KiB.</summary>
    public const int MaxConfigBytes = 1024 * 1024;

    private readonly Dictionary<string, string?> _kept = new(StringComparer.Ordinal);

    public string HostRoot => hostRoot;

    /// <summary>The name Docker gave the container of 64-hex <paramref name="id"/> ("web"); null where unknown.</summary>
    public string? DockerName(string id) => Kept($"docker {id}", () =>
    {
        string containers = Path.Combine(hostRoot, "var/lib/docker/containers");
        string config = Path.Combine(containers, id, "config.v2.json");
        return IsRoots(containers) && IsRoots(Path.GetDirectoryName(config)!) && ReadBounded(config) is { } json ? NameIn(json, id) : null;
    });

    /// <summary>"default/api-7c9f" for the pod of <paramref name="uid"/>, from kubelet's log directories; null where unknown.</summary>
    public string? PodName(string uid) => Kept($"pod {uid}", () =>
    {
        string pods = Path.Combine(hostRoot, "var/log/pods");
        if (!IsRoots(pods))
        {
            return null;
        }

        try
        {
            foreach (string directory in Directory.EnumerateDirectories(pods, $"*_{uid}"))
            {
                if (PodDirectory().Match(Path.GetFileName(directory)) is { Success: true } pod && pod.Groups["uid"].Value == uid && IsRoots(directory))
                {
                    return $"{pod.Groups["namespace"].Value}/{pod.Groups["name"].Value}";
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    });

    /// <summary>
    /// "default/api-7c9f" from the CRI runtime's own record of container <paramref name="id"/> of the pod
    /// <paramref name="uid"/>: containerd's task bundle (annotations io.kubernetes.cri.sandbox-namespace and -name),
    /// CRI-O's (io.kubernetes.pod.namespace and .name); the pod's uid, where the record has it, must be the one asked for.
    /// </summary>
    /// <param name="runtime">"containerd", "crio", or null where the cgroup does not say (the cgroupfs driver): both are tried.</param>
    public string? CriPodName(string id, string uid, string? runtime) => Kept($"cri {id}", () =>
    {
        foreach ((string kind, string bundle, string ns, string name, string podUid) in (ReadOnlySpan<(string, string, string, string, string)>)
        [
            ("containerd", "run/containerd/io.containerd.runtime.v2.task/k8s.io", "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-uid"),
            ("crio", "run/containers/storage/overlay-containers", "io.kubernetes.pod.namespace", "io.kubernetes.pod.name", "io.kubernetes.pod.uid"),
        ])
        {
            if (runtime is not null && runtime != kind)
            {
                continue;
            }

            string tasks = Path.Combine(hostRoot, bundle);
            string directory = kind == "crio" ? Path.Combine(tasks, id, "userdata") : Path.Combine(tasks, id);
            if (IsRoots(tasks) && IsRoots(Path.Combine(tasks, id)) && IsRoots(directory)
                && ReadBounded(Path.Combine(directory, "config.json")) is { } json
                && Annotations(json, ns, name, podUid) is ({ } podNamespace, { } podName, var recordUid)
                && (recordUid is null || recordUid == uid)
                && PodDirectory().IsMatch($"{podNamespace}_{podName}_{uid}"))
            {
                return $"{podNamespace}/{podName}";
            }
        }

        return null;
    });

    /// <summary>The name Podman gave container <paramref name="id"/> (rootful: containers.json of its storage); null where unknown.</summary>
    public string? PodmanName(string id) => Kept($"podman {id}", () =>
    {
        string storage = Path.Combine(hostRoot, "var/lib/containers/storage/overlay-containers");
        if (!IsRoots(storage) || ReadBounded(Path.Combine(storage, "containers.json")) is not { } json)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            foreach (JsonElement container in document.RootElement.EnumerateArray())
            {
                if (container.ValueKind == JsonValueKind.Object && container.TryGetProperty("id", out JsonElement own) && own.ValueEquals(id)
                    && container.TryGetProperty("names", out JsonElement names) && names.ValueKind == JsonValueKind.Array
                    && names.GetArrayLength() > 0 && names[0].ValueKind == JsonValueKind.String && names[0].GetString() is { Length: > 0 } name)
                {
                    return ExternalText.Escape(name, 64);
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }

        return null;
    });

    // An OCI config.json's annotations: the pod's namespace, name and (where given) uid.
    private static (string? Namespace, string? Name, string? Uid) Annotations(byte[] json, string ns, string name, string uid)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("annotations", out JsonElement annotations) || annotations.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            string? Text(string key) => annotations.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return (Text(ns), Text(name), Text(uid));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private string? Kept(string key, Func<string?> find)
    {
        if (_kept.TryGetValue(key, out string? known))
        {
            return known;
        }

        if (_kept.Count >= MaxKept)
        {
            _kept.Clear(); // a host that churns through containers: forget, ask again
        }

        return _kept[key] = find();
    }

    // "Name":"/web" at the top level of config.v2.json, whose "ID" is the one asked for.
    private static string? NameIn(byte[] json, string id)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            string? name = null, ownId = null;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    bool isName = reader.ValueTextEquals("Name"u8), isId = reader.ValueTextEquals("ID"u8);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && (isName || isId))
                    {
                        _ = isName ? name = reader.GetString() : ownId = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }

            return ownId == id && name?.TrimStart('/') is { Length: > 0 } bare ? ExternalText.Escape(bare, 64) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A directory (S_IFDIR), root's, and written by root alone (no group or other write bit): nobody else can have put a name there.
    private static bool IsRoots(string directory) =>
        FileIdentity.TryModeAndOwnerOf(directory, followLinks: false, out int mode, out uint uid) && uid == 0 && (mode & 0b000_010_010) == 0
        && (mode & 0xF000) == 0x4000;

    // Never through a link, a regular file only, and no record larger than any a runtime writes.
    private static byte[]? ReadBounded(string path)
    {
        try
        {
            byte[] json = KernelFile.ReadUpTo(path, MaxConfigBytes, out bool cut, noFollow: true);
            return cut ? null : json;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // kubelet's pod log directory: NAMESPACE_NAME_UID, the first two DNS names (no "_" in either).
    [GeneratedRegex(@"^(?<namespace>[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)_(?<name>[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)_(?<uid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", RegexOptions.CultureInvariant)]
    private static partial Regex PodDirectory();
}
