// Turns the pod of the rendered DaemonSet into `docker run` arguments, so that a test runs the image exactly as
// the manifest says, not as settings typed a second time. Prints JSON: { args, image, probe: { path, port },
// gracePeriodSeconds }; args go between `docker run` and nothing else (the image and its arguments included).
//   node docker-run.mjs RENDERED.yaml [--image NAME] [--name CONTAINER] [--remap HOSTPATH=LOCAL ...]
// --image replaces the manifest's image (a test's own tag); --remap mounts LOCAL where the manifest has a hostPath
// (a test's own state directory instead of the node's). A setting with no docker equivalent is refused, by name.
import { readFileSync, mkdirSync } from "node:fs";
import yaml from "js-yaml";

const argv = process.argv.slice(2);
const options = { image: null, name: null, remap: new Map() };
const file = argv.shift();
while (argv.length > 0) {
  const flag = argv.shift();
  const value = argv.shift();
  if (flag === "--image") options.image = value;
  else if (flag === "--name") options.name = value;
  else if (flag === "--remap") {
    const [from, to] = value.split("=");
    options.remap.set(from, to);
  } else {
    fail(`unknown argument ${flag}`);
  }
}

function fail(message) {
  console.error(`docker-run.mjs: ${message}`);
  process.exit(2);
}

const daemonSet = yaml.loadAll(readFileSync(file, "utf8")).find((o) => o?.kind === "DaemonSet") ?? fail("no DaemonSet");
const pod = daemonSet.spec.template.spec;
if (pod.containers.length !== 1 || pod.initContainers) fail("one container, no init containers, is what this turns into docker run");
const container = pod.containers[0];
const args = ["--detach"];
if (options.name) args.push("--name", options.name);
if (pod.hostNetwork) args.push("--network", "host");
if (pod.hostPID) args.push("--pid", "host");
if (pod.hostIPC) args.push("--ipc", "host");
if (pod.terminationGracePeriodSeconds !== undefined) args.push("--stop-timeout", String(pod.terminationGracePeriodSeconds));

const security = { ...pod.securityContext, ...container.securityContext };
if (security.privileged) args.push("--privileged");
if (security.runAsUser !== undefined) args.push("--user", `${security.runAsUser}:${security.runAsGroup ?? security.runAsUser}`);
if (security.runAsNonRoot && (security.runAsUser ?? 0) === 0) fail("runAsNonRoot with uid 0: Kubernetes would not start it");
for (const capability of security.capabilities?.drop ?? []) args.push("--cap-drop", capability);
for (const capability of security.capabilities?.add ?? []) args.push("--cap-add", capability);
// Kubernetes sets no_new_privs unless allowPrivilegeEscalation is true (or the container is privileged).
if (security.allowPrivilegeEscalation === false) args.push("--security-opt", "no-new-privileges");
if (security.readOnlyRootFilesystem) args.push("--read-only");
const seccomp = security.seccompProfile?.type;
if (seccomp === "Unconfined") args.push("--security-opt", "seccomp=unconfined");
else if (seccomp !== undefined && seccomp !== "RuntimeDefault") fail(`seccompProfile ${seccomp}`);

for (const variable of container.env ?? []) {
  if (variable.value === undefined) fail(`env ${variable.name} has no value (valueFrom)`);
  args.push("--env", `${variable.name}=${variable.value}`);
}

const limits = container.resources?.limits ?? {};
if (limits.memory) args.push("--memory", bytes(limits.memory));
if (limits.cpu) args.push("--cpus", String(cpus(limits.cpu)));

const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
for (const mount of container.volumeMounts ?? []) {
  const volume = volumes.get(mount.name) ?? fail(`volumeMount ${mount.name} has no volume`);
  if (volume.hostPath) {
    const source = options.remap.get(volume.hostPath.path) ?? volume.hostPath.path;
    if (volume.hostPath.type === "DirectoryOrCreate") mkdirSync(source, { recursive: true, mode: 0o755 });
    args.push("--mount", `type=bind,source=${source},target=${mount.mountPath}${mount.readOnly ? ",readonly" : ""}`);
  } else if (volume.emptyDir) {
    const size = volume.emptyDir.sizeLimit ? `,tmpfs-size=${bytes(volume.emptyDir.sizeLimit)}` : "";
    args.push("--mount", `type=tmpfs,target=${mount.mountPath}${size}`);
  } else {
    fail(`volume ${mount.name}: only hostPath and emptyDir`);
  }
}

const image = options.image ?? container.image;
args.push(...(container.command ? ["--entrypoint", container.command[0]] : []), image, ...(container.command?.slice(1) ?? []), ...(container.args ?? []));

const probe = container.livenessProbe?.httpGet;
const port = typeof probe?.port === "string"
  ? container.ports.find((p) => p.name === probe.port)?.containerPort ?? fail(`probe port ${probe.port} is not a named port`)
  : probe?.port;
console.log(JSON.stringify({ args, image, probe: probe ? { path: probe.path, port } : null, gracePeriodSeconds: pod.terminationGracePeriodSeconds ?? 30 }));

function bytes(quantity) {
  const units = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 };
  const [, number, unit] = /^([0-9.]+)([A-Za-z]*)$/.exec(quantity) ?? fail(`quantity ${quantity}`);
  return String(Math.round(Number(number) * (unit ? units[unit] ?? fail(`unit ${unit}`) : 1)));
}

function cpus(quantity) {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}
