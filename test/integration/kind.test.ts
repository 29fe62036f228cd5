// The kind provider against a real kind cluster, where this machine can make one: the kind
// binary, a running Docker daemon and a kind node image in it (kindest/node needs a registry or
// `docker load`), and kube-flannel's images in the engine (loaded into the nodes) or
// OVERLAB_KIND_PULL=1 when the nodes can pull them. Otherwise every test here is skipped with the
// reason printed, under CI=true too: kind is one of the two things allowed to skip there, since
// no machine this project is built on has a registry (design.md §7). What CI does exercise of
// this provider is its pure parts (test/unit/kind-provider.test.ts) and the docker provider's exec
// it shares.
//
// 1. The failover scenario's cluster brought up as a user would (KindCluster: kind create
//    cluster, kube-flannel from the release manifest patched, the units' dummy Nodes, the pods),
//    then judged from the kind node containers' own kernel state: flannel.0 is VNI 0 with
//    learning, in cni0, and every node holds each unit's route, neighbour and FDB entry as
//    flanneld programs them from the dummy Node's annotations; then `kind delete cluster` leaves
//    no container of it.
// 2. `overlab scenario failover --provider kind` makes the cluster, the units and the client (on
//    kind's network, the underlay fitted to it), leaves the nodes' and pods' configuration to the
//    cluster (each such step recorded with doneBy), carries on with the plan fitted to the
//    cluster's values and passes every check; teardown leaves no container of the cluster or of
//    the run's units and client.
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, isolateState, PROJECT_ROOT } from './_env.js';

const state = isolateState('kind');
const KIND_RELEASE = /export const KIND_RELEASE = '(v[0-9.]+)'/.exec(readFileSync(join(PROJECT_ROOT, 'harness/providers/kind/kind-cli.ts'), 'utf8'))![1]!;
const NODE_IMAGE = process.env.OVERLAB_KIND_IMAGE ?? 'kindest/node:v1.37.0';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function kindBinary(): string | undefined {
  if (process.env.OVERLAB_KIND) return process.env.OVERLAB_KIND;
  for (const dir of [...(process.env.PATH ?? '').split(':'), `/var/cache/overlab/kind/${KIND_RELEASE}`]) {
    try {
      accessSync(join(dir, 'kind'), constants.X_OK);
      return join(dir, 'kind');
    } catch {
      // not here
    }
  }
  return undefined;
}

const hasImage = (ref: string): boolean => {
  try {
    docker('image', 'inspect', ref);
    return true;
  } catch {
    return false;
  }
};

/** What this machine lacks for a kind cluster, each with how to get it. */
function kindMissing(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root');
  try {
    docker('info', '--format', '{{.ServerVersion}}');
  } catch {
    return [...missing, 'a running Docker daemon (bash scripts/setup.sh --docker)'];
  }
  if (!kindBinary()) missing.push(`the kind binary (bash scripts/build-kind.sh: go install sigs.k8s.io/kind@${KIND_RELEASE})`);
  if (!hasImage(NODE_IMAGE)) missing.push(`the node image ${NODE_IMAGE} in the Docker engine (docker pull where a registry is reachable, else docker load)`);
  if (process.env.OVERLAB_KIND_PULL !== '1') {
    const manifest = `${process.env.HOME ?? '/root'}/go/pkg/mod/github.com/flannel-io/flannel@v0.28.9/Documentation/kube-flannel.yml`;
    let images: string[] = [];
    try {
      images = [...new Set([...readFileSync(manifest, 'utf8').matchAll(/image: (\S+)/g)].map((m) => m[1]!))];
    } catch {
      missing.push(`kube-flannel's manifest at ${manifest} (bash scripts/build-flanneld.sh puts it there)`);
    }
    for (const i of images) if (!hasImage(i)) missing.push(`kube-flannel's image ${i} in the Docker engine (docker pull / docker load), or OVERLAB_KIND_PULL=1 where the nodes can pull it`);
  }
  return missing;
}

const missing = kindMissing();
// Skipped even under CI=true (see the header): said, never counted as a pass.
if (missing.length) console.warn(`overlab kind tests skipped: needs ${missing.join('; ')}`);
test.after.always(() => state.remove());

type Impl = (t: ExecutionContext) => Promise<void> | void;
function kindTest(title: string, impl: Impl): void {
  if (missing.length) {
    console.warn(`skipped: kind: ${title}`);
    test.serial.skip(title, impl);
    return;
  }
  test.serial(title, impl);
}

const execIn = (container: string, ...argv: string[]): string => docker('exec', container, ...argv);

kindTest('the failover scenario\'s cluster: kube-flannel programs the units\' dummy Nodes; flannel.0 (VNI 0, learning) in cni0; kind delete cluster leaves nothing', async (t) => {
  t.timeout(15 * 60_000);
  const { loadScenarioFile } = await import('../../harness/spec/load.js');
  const { resolveTopology } = await import('../../harness/spec/topology.js');
  const { ResourceLedger } = await import('../../harness/core/ledger.js');
  const { KindCluster } = await import('../../harness/providers/kind/cluster.js');
  const { SCENARIOS_DIR } = await import('../../harness/core/paths.js');
  const topology = resolveTopology(loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml')));
  const runDir = mkdtempSync(join(tmpdir(), 'overlab-kind-'));
  const runId = Math.random().toString(16).slice(2, 8).padEnd(6, '0');
  const cluster = new KindCluster(runId, runDir, new ResourceLedger(runDir), topology, {}, (l) => t.log(l));
  try {
    const times = await cluster.boot();
    t.log(JSON.stringify(times));
    for (const n of topology.nodes) {
      const c = cluster.containerOf(n.name)!;
      const [vtep] = JSON.parse(execIn(c, 'ip', '-d', '-j', 'link', 'show', 'dev', 'flannel.0')) as { linkinfo: { info_data: { id: number; learning: boolean; port: number } }; master?: string }[];
      t.is(vtep!.linkinfo.info_data.id, 0, `${n.name}: VNI 0`);
      t.true(vtep!.linkinfo.info_data.learning, `${n.name}: learning on (net-conf.json's Learning)`);
      t.is(vtep!.master, 'cni0', `${n.name}: in cni0 (the field report's step)`);
      const fdb = execIn(c, 'bridge', 'fdb', 'show', 'dev', 'flannel.0');
      const routes = execIn(c, 'ip', 'route', 'show', 'dev', 'flannel.0');
      for (const u of topology.bigip!.units) {
        t.regex(fdb, new RegExp(`${u.tunnelMac} dst ${u.underlayIp.replaceAll('.', '\\.')} self permanent`), `${n.name}: FDB entry for ${u.name}'s dummy Node`);
        t.regex(routes, new RegExp(`${u.flannelNode!.podCidr.replaceAll('.', '\\.')} via `), `${n.name}: route to ${u.name}'s podCIDR`);
      }
    }
  } finally {
    await cluster.delete();
  }
  t.is(docker('ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster.name}`, '--format', '{{.Names}}'), '', 'no container of the cluster left');
});

kindTest('`overlab scenario failover --provider kind` passes on the cluster as it is: the steps the cluster does left to it, the checks against its values, and nothing left', async (t) => {
  t.timeout(20 * 60_000);
  const before = docker('ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}');
  const reports = mkdtempSync(join(tmpdir(), 'overlab-kind-reports-'));
  const r = await cli(['scenario', 'failover', '--provider', 'kind', '--report-dir', reports], { env: state.env, timeoutMs: 15 * 60_000 });
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout + r.stderr, /the underlay is kind's Docker network/);
  const runDir = join(reports, 'failover', execFileSync('ls', [join(reports, 'failover')], { encoding: 'utf8' }).trim().split('\n')[0]!);
  const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { status: string; assertions: { id: string; status: string }[] };
  t.is(report.status, 'passed', JSON.stringify(report.assertions));
  for (const id of ['reachability', 'mtu', 'flannel-control-plane[master]']) t.true(report.assertions.some((a) => a.id === id && a.status === 'passed'), id);
  const steps = JSON.parse(readFileSync(join(runDir, 'evidence', 'steps-boot.json'), 'utf8')) as { id: string; doneBy?: string }[];
  t.is(steps.find((s) => s.id === 'node:master')?.doneBy, 'kind: kube-flannel and the CNI');
  const podNetns = JSON.parse(readFileSync(join(runDir, 'kind', 'pod-netns.json'), 'utf8')) as Record<string, string>;
  t.true(Object.keys(podNetns).length > 0, 'every pod\'s namespace was found');
  t.is(docker('ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}'), before, 'no cluster container left');
  t.is(docker('ps', '-a', '--filter', 'label=overlab', '--format', '{{.Names}}').split('\n').filter((n) => /\.(bigip\d|client)$/.test(n) && !before.includes(n)).join(','), '', 'no unit or client container left');
});
