// The kind binary: where it is, and the few commands this provider runs with it (create and
// delete a cluster, list clusters, load an image, the kubeconfig). `kind create cluster` takes a
// minute or more; its progress lines (" ✓ Preparing nodes", " • Starting control-plane") are
// handed on as they come, each with the time since the start, and the total is returned.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { LocalRunner } from '../../core/command.js';
import { exitError, startProcess } from '../../core/process.js';
import { findTool } from '../preflight.js';

/** The kind release this provider is written against (go install sigs.k8s.io/kind@KIND_RELEASE). */
export const KIND_RELEASE = 'v0.33.0';
/** kind's default node image at KIND_RELEASE (sigs.k8s.io/kind pkg/apis/config/defaults/image.go). */
export const KIND_DEFAULT_IMAGE = 'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5';
/**
 * The node image the config names: kind's default by tag only. An image brought in with
 * `docker load` (no registry) has no repo digest on Docker 20.10, so a digest reference would
 * not find it and kind would try to pull.
 */
export const KIND_NODE_IMAGE = KIND_DEFAULT_IMAGE.split('@')[0]!;
/** Where scripts/build-kind.sh puts the binary it builds. */
export const kindCacheBinary = (): string => join(process.env.OVERLAB_CACHE_DIR ?? '/var/cache/overlab', 'kind', KIND_RELEASE, 'kind');

/**
 * The CNI `bridge` plugin, which flannel's CNI plugin delegates to. kind's node image has only
 * host-local, loopback, ptp and portmap (kindnet needs no more; sigs.k8s.io/kind
 * images/base/Dockerfile), so pods on a kind cluster with flannel fail without it: the cluster
 * config mounts this one into every node at /opt/cni/bin/bridge. The version is the one kind
 * builds its own plugins at (CNI_PLUGINS_VERSION); scripts/build-kind.sh builds it static.
 */
export const CNI_PLUGINS_RELEASE = 'v1.9.1';
export const bridgeCacheBinary = (): string => join(process.env.OVERLAB_CACHE_DIR ?? '/var/cache/overlab', 'kind', KIND_RELEASE, `cni-plugins-${CNI_PLUGINS_RELEASE}`, 'bridge');
/** Debian's containernetworking-plugins: the same plugin, an older release, linked against glibc (kind's node image is Debian too). */
const DEBIAN_BRIDGE = '/usr/lib/cni/bridge';

/** OVERLAB_CNI_BRIDGE, else scripts/build-kind.sh's build, else Debian's. */
export function findBridgePlugin(): string | undefined {
  for (const candidate of [process.env.OVERLAB_CNI_BRIDGE, bridgeCacheBinary(), DEBIAN_BRIDGE]) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** OVERLAB_KIND, else kind on PATH, else the build of scripts/build-kind.sh. */
export function findKind(): string | undefined {
  if (process.env.OVERLAB_KIND) return process.env.OVERLAB_KIND;
  const onPath = findTool('kind');
  if (onPath) return onPath;
  try {
    accessSync(kindCacheBinary(), constants.X_OK);
    return kindCacheBinary();
  } catch {
    return undefined;
  }
}

const runner = new LocalRunner();

export async function kindVersion(kind: string): Promise<string> {
  return (await runner.run([kind, 'version'], { timeoutMs: 10_000 })).stdout.trim();
}

/**
 * The kubeconfig kind writes for a run's cluster: a scratch file of the run's own, never the
 * user's ~/.kube/config (kind would add a context there and make it the current one). It holds
 * the cluster's client key, so it lives under /run/overlab (root's tmpfs), not in the run directory.
 */
export const kubeconfigDir = (runId: string): string => join(process.env.OVERLAB_LOCK_DIR ?? '/run/overlab', `kind-${runId}`);
export const kubeconfigFile = (runId: string): string => join(kubeconfigDir(runId), 'kubeconfig');

export const createClusterArgv = (kind: string, cluster: string, configFile: string, kubeconfig: string): string[] => [kind, 'create', 'cluster', '--name', cluster, '--config', configFile, '--kubeconfig', kubeconfig];
export const deleteClusterArgv = (kind: string, cluster: string, kubeconfig: string): string[] => [kind, 'delete', 'cluster', '--name', cluster, '--kubeconfig', kubeconfig];

/**
 * `kind create cluster`, its progress lines handed on with the seconds since the start.
 * KIND_EXPERIMENTAL_DOCKER_NETWORK is left as the user set it: nodes go on kind's network.
 */
export async function createCluster(kind: string, cluster: string, configFile: string, kubeconfig: string, progress: (line: string) => void, timeoutMs = 10 * 60_000): Promise<number> {
  const t0 = performance.now();
  const argv = createClusterArgv(kind, cluster, configFile, kubeconfig);
  const p = startProcess(argv, { timeoutMs });
  const stderr: string[] = [];
  // kind writes its progress to stderr; stdout has the closing hints.
  const say = (l: string) => {
    const line = l.replace(/\x1b\[[0-9;]*m/g, '').trim();
    if (line) progress(`${((performance.now() - t0) / 1000).toFixed(1)} s ${line}`);
  };
  p.onStderrLine((l) => {
    stderr.push(l);
    say(l);
  });
  p.onLine(say);
  const exit = await p.closed;
  if (exit.code !== 0) throw exitError(argv, exit, stderr.join('\n'), { timeoutMs });
  return performance.now() - t0;
}

export async function deleteCluster(kind: string, cluster: string, kubeconfig: string): Promise<void> {
  await runner.run(deleteClusterArgv(kind, cluster, kubeconfig), { timeoutMs: 5 * 60_000 });
}

export async function getClusters(kind: string): Promise<string[]> {
  return (await runner.run([kind, 'get', 'clusters'], { timeoutMs: 30_000 })).stdout.split('\n').map((l) => l.trim()).filter((l) => l && !/^No kind clusters/.test(l));
}

export async function loadImage(kind: string, cluster: string, image: string): Promise<void> {
  await runner.run([kind, 'load', 'docker-image', image, '--name', cluster], { timeoutMs: 10 * 60_000 });
}

/** The cluster's kubeconfig (the API server on this machine's loopback, a port kind chose). */
export async function kubeconfigOf(kind: string, cluster: string): Promise<string> {
  return (await runner.run([kind, 'get', 'kubeconfig', '--name', cluster], { timeoutMs: 30_000 })).stdout;
}
