// What a kind run needs on this machine, each with how to get it (`overlab doctor --provider
// kind`, and every run's preflight): the Docker engine, the kind binary, a node image in the
// engine (kind pulls one from a registry otherwise), kube-flannel's manifest and images, and the
// pods' image. kubectl is not needed: the provider talks to the API with @kubernetes/client-node.
import type Docker from 'dockerode';
import type { KindOptions, Prerequisite } from '../types.js';
import { checkTools } from '../preflight.js';
import { dockerClient, engineInfo } from '../docker/engine.js';
import { CNI_PLUGINS_RELEASE, findBridgePlugin, findKind, KIND_NODE_IMAGE, KIND_RELEASE, kindVersion } from './kind-cli.js';
import { describeSource, FLANNEL_RELEASE, manifestSource, readLocalManifest } from './manifest.js';
import { parseManifest, podContainers } from './flannel-patch.js';
import { kindNetworkName, readKindNetwork } from './network.js';

const hasImage = (docker: Docker, ref: string): Promise<boolean> => docker.getImage(ref).inspect().then(() => true, () => false);

/** `docker load` fixes: where a registry is reachable the pull, else the save/load by hand. */
const loadFix = (image: string): string =>
  `where a registry is reachable: docker pull ${image}; without one: on a machine that has it, docker save ${image} | gzip > image.tar.gz, copy it here, docker load -i image.tar.gz`;

export async function kindPrerequisites(options: KindOptions = {}, docker: Docker = dockerClient()): Promise<Prerequisite[]> {
  const out: Prerequisite[] = [];
  let engine = false;
  try {
    const info = await engineInfo(docker);
    engine = true;
    out.push({ what: 'docker engine (kind\'s nodes are containers)', ok: true, detail: `Docker ${info.version}, storage driver ${info.storageDriver}`, fix: '' });
  } catch (e) {
    out.push({ what: 'docker engine (kind\'s nodes are containers)', ok: false, detail: `cannot reach the Docker daemon: ${(e as Error).message}`, fix: 'bash scripts/setup.sh --docker (installs docker.io and starts dockerd)' });
  }
  const kind = findKind();
  out.push(
    kind
      ? { what: 'kind', ok: true, detail: `${await kindVersion(kind).catch((e: Error) => `? (${e.message})`)} at ${kind}`, fix: '' }
      : { what: 'kind', ok: false, detail: 'not found (OVERLAB_KIND, PATH, /var/cache/overlab/kind)', fix: `bash scripts/build-kind.sh (go install sigs.k8s.io/kind@${KIND_RELEASE} through the Go module proxy, ~1 min cold), or OVERLAB_KIND=/path/to/kind` },
  );
  const bridge = findBridgePlugin();
  out.push(
    bridge
      ? { what: 'CNI bridge plugin (mounted into the nodes: kind\'s image lacks it, flannel delegates to it)', ok: true, detail: bridge, fix: '' }
      : { what: 'CNI bridge plugin (mounted into the nodes: kind\'s image lacks it, flannel delegates to it)', ok: false, detail: 'not found (OVERLAB_CNI_BRIDGE, the build of scripts/build-kind.sh, /usr/lib/cni/bridge)', fix: `bash scripts/build-kind.sh (go install github.com/containernetworking/plugins/plugins/main/bridge@${CNI_PLUGINS_RELEASE}, ~10 s), or apt-get install -y containernetworking-plugins` },
  );
  const nodeImage = options.nodeImage ?? process.env.OVERLAB_KIND_IMAGE ?? KIND_NODE_IMAGE;
  if (engine) {
    const present = await hasImage(docker, nodeImage);
    out.push({ what: `kind node image ${nodeImage}`, ok: present, detail: present ? 'in the Docker engine' : 'not in the Docker engine (kind would pull it from a registry; none is reachable here, and `kind build node-image` pulls its base image and Kubernetes\' images too)', fix: `${loadFix(nodeImage)}; or --kind-image / OVERLAB_KIND_IMAGE naming one you have` });
  }
  const source = manifestSource(options.flannelManifest);
  out.push({
    what: `kube-flannel manifest (flannel ${FLANNEL_RELEASE})`,
    ok: true,
    detail: source.kind === 'url' ? `${describeSource(source)}; needs github.com, or --flannel-manifest FILE, or bash scripts/build-flanneld.sh (puts the release's source, and its manifest, in the Go module cache)` : describeSource(source),
    fix: '',
  });
  // The images the kind nodes' containerd pulls from ghcr.io unless the engine has them (then
  // the run loads them into the nodes with `kind load docker-image`).
  const text = source.kind === 'url' ? undefined : (() => { try { return readLocalManifest(source); } catch { return undefined; } })();
  const images = new Set<string>();
  if (text) {
    for (const o of parseManifest(text)) for (const c of podContainers(o)) if (typeof c.image === 'string') images.add(c.image);
    if (options.flannelImage) for (const i of [...images]) if (/\/flannel:/.test(i)) { images.delete(i); images.add(options.flannelImage); }
    if (options.cniPluginImage) for (const i of [...images]) if (/\/flannel-cni-plugin:/.test(i)) { images.delete(i); images.add(options.cniPluginImage); }
  }
  // OVERLAB_KIND_PULL=1: the user says the nodes can reach the images' registry.
  const pull = process.env.OVERLAB_KIND_PULL === '1';
  for (const image of images) {
    const present = engine && (await hasImage(docker, image));
    out.push({
      what: `flannel image ${image}`,
      ok: present || pull,
      detail: present ? 'in the Docker engine: loaded into the nodes with kind load docker-image' : pull ? 'not in the Docker engine: the nodes pull it (OVERLAB_KIND_PULL=1)' : 'not in the Docker engine, and the nodes would pull it from its registry',
      fix: `${loadFix(image)}; or --flannel-image / --flannel-cni-plugin-image naming one you have; or OVERLAB_KIND_PULL=1 where the nodes can reach its registry`,
    });
  }
  if (options.podImage) out.push({ what: `pod image ${options.podImage}`, ok: true, detail: 'pulled by the nodes (IfNotPresent), or loaded when the engine has it', fix: '' });
  else out.push({ what: 'pod image', ok: true, detail: 'the docker provider\'s overlab/node image (built here if not cached), loaded into the nodes with kind load docker-image', fix: '' });
  if (engine) {
    // The underlay the units and the client join (network.ts): read here, never made by doctor.
    const name = kindNetworkName();
    const net = await readKindNetwork(docker, name).then((n) => ({ n }), (e: Error) => ({ e }));
    out.push(
      'e' in net
        ? { what: `kind's Docker network ${name} (the units' and the client's underlay)`, ok: false, detail: net.e.message, fix: `docker network rm ${name} (kind, or the next run, makes it again as kind makes it)` }
        : { what: `kind's Docker network ${name} (the units' and the client's underlay)`, ok: true, detail: net.n ? `${net.n.subnet}, gateway ${net.n.gateway}, ${net.n.taken.length} container(s) on it: the plan's underlay is fitted to it (nodes lowest free, units highest)` : 'not made yet: the first run makes it as kind makes it (kind create cluster then uses it), and fits the plan\'s underlay to the subnet Docker gives it', fix: '' },
    );
  }
  out.push({ what: 'kubectl', ok: true, detail: 'not needed: the provider uses the API through @kubernetes/client-node', fix: '' });
  return [...out, ...checkTools([]).filter((c) => c.what === 'root' || !c.ok)];
}
