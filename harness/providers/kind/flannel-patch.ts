// kube-flannel's manifest patched from the scenario, a pure function over its parsed YAML
// documents: the ConfigMap kube-flannel-cfg's net-conf.json gets the scenario's Network and the
// vxlan Backend the flanneld agent also writes (VNI, Port, Learning, MTU only where the overlay
// MTU is not the underlay's minus 50: one source, flanneld/config.ts); keys the release has that
// the scenario does not speak of (EnableNFTables) stay as they are. Images are replaced only
// when asked (--flannel-image, --flannel-cni-plugin-image): a registry the user has, or an image
// they loaded. Every other document is left exactly as the release wrote it.
import { parseAllDocuments, stringify } from 'yaml';
import { HarnessError } from '../../core/errors.js';
import type { Topology } from '../../spec/topology.js';
import { networkConfig } from '../../overlay/flannel/flanneld/config.js';

export const FLANNEL_CONFIGMAP = 'kube-flannel-cfg';
export const FLANNEL_DAEMONSET = 'kube-flannel-ds';

export interface FlannelImages {
  /** Replaces ghcr.io/flannel-io/flannel:<tag> (the agent and its install-cni init container). */
  flannel?: string;
  /** Replaces ghcr.io/flannel-io/flannel-cni-plugin:<tag> (the install-cni-plugin init container). */
  cniPlugin?: string;
}

/** A Kubernetes object as YAML parses it: only the fields this file reads are typed. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export function parseManifest(text: string): KubeObject[] {
  const docs = parseAllDocuments(text);
  const out: KubeObject[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length) throw new HarnessError(`the kube-flannel manifest is not YAML: ${d.errors[0]!.message}`);
    const value = d.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new HarnessError('the kube-flannel manifest holds a document that is not a Kubernetes object');
    out.push(value as KubeObject);
  }
  return out;
}

export const renderManifest = (objects: readonly KubeObject[]): string => objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');

/** net-conf.json's Network and Backend as the scenario says them. */
export function scenarioNetConf(topology: Pick<Topology, 'flannel' | 'underlay' | 'nodes'>): { Network: string; Backend: Record<string, unknown> } {
  const etcdConfig = JSON.parse(networkConfig(topology as Topology)) as { Network: string; Backend: Record<string, unknown> };
  return { Network: etcdConfig.Network, Backend: etcdConfig.Backend };
}

export function isFlannelConfigMap(o: KubeObject): boolean {
  return o.kind === 'ConfigMap' && o.metadata?.name === FLANNEL_CONFIGMAP;
}

/** A copy of the manifest with net-conf.json (and images, when asked) patched; fails when it is not kube-flannel's. */
export function patchFlannelManifest(objects: readonly KubeObject[], topology: Pick<Topology, 'flannel' | 'underlay' | 'nodes'>, images: FlannelImages = {}): KubeObject[] {
  const copy = structuredClone(objects) as KubeObject[];
  const cms = copy.filter(isFlannelConfigMap);
  if (cms.length !== 1) throw new HarnessError(`the kube-flannel manifest must hold one ConfigMap ${FLANNEL_CONFIGMAP}; it holds ${cms.length}`);
  const cm = cms[0]!;
  const data = (cm.data ?? {}) as Record<string, unknown>;
  const current = typeof data['net-conf.json'] === 'string' ? data['net-conf.json'] : '{}';
  let netConf: Record<string, unknown>;
  try {
    netConf = JSON.parse(current) as Record<string, unknown>;
  } catch (e) {
    throw new HarnessError(`${FLANNEL_CONFIGMAP}'s net-conf.json is not JSON: ${(e as Error).message}`, {}, { cause: e });
  }
  const wanted = scenarioNetConf(topology);
  // The scenario's Backend replaces the release's (Type vxlan and nothing else) whole: a key the
  // release set that the scenario leaves out would otherwise survive (MTU on an unset MTU).
  netConf = { ...netConf, Network: wanted.Network, Backend: wanted.Backend };
  cm.data = { ...data, 'net-conf.json': JSON.stringify(netConf, null, 2) + '\n' };
  if (images.flannel || images.cniPlugin) {
    const ds = copy.find((o) => o.kind === 'DaemonSet' && o.metadata?.name === FLANNEL_DAEMONSET);
    if (!ds) throw new HarnessError(`the kube-flannel manifest holds no DaemonSet ${FLANNEL_DAEMONSET} whose images could be replaced`);
    for (const c of podContainers(ds)) {
      if (typeof c.image !== 'string') continue;
      if (images.cniPlugin && /\/flannel-cni-plugin:/.test(c.image)) c.image = images.cniPlugin;
      else if (images.flannel && /\/flannel:/.test(c.image)) c.image = images.flannel;
    }
  }
  return copy;
}

/** The containers and init containers of a workload's pod template. */
export function podContainers(o: KubeObject): { name?: string; image?: unknown }[] {
  const spec = ((o.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec ?? {}) as { containers?: unknown; initContainers?: unknown };
  return [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...(Array.isArray(spec.containers) ? spec.containers : [])] as { name?: string; image?: unknown }[];
}

/** The patched ConfigMap's net-conf.json, for `overlab plan`. */
export function netConfOf(objects: readonly KubeObject[]): string | undefined {
  const cm = objects.find(isFlannelConfigMap);
  const v = (cm?.data as Record<string, unknown> | undefined)?.['net-conf.json'];
  return typeof v === 'string' ? v : undefined;
}
