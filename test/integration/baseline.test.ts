// The baseline scenario on real kernel devices. The first test boots and keeps a run through the
// library, then checks what the kernel holds on its own (ip -j / bridge -j, not the harness's
// probes or assertions), then tears down through the CLI and proves nothing is left. The second
// runs the whole scenario through the CLI and reads its output and report.json.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bridgeJson, cli, hostLinks, hostLinksAddedSince, inNetns, ipJson, ipNetnsList, isolateState, rootTest, runNamespaces, trackRuns } from './_env.js';

const state = isolateState('baseline');
// Imported after isolateState: these read OVERLAB_REPORTS_DIR / OVERLAB_STATE_DIR when loaded.
const { loadScenario } = await import('../../harness/scenario/resolve.js');
const { runScenario } = await import('../../harness/scenario/run.js');
const { findRun } = await import('../../harness/core/registry.js');

const runs = trackRuns('baseline.test', state);

/** What scenarios/baseline.yaml means, written out by hand rather than taken from the planner. */
const NODES = [
  { name: 'master', ip: '172.16.1.100', podCidr: '10.244.0.0/24', vtep: '10.244.0.0', vtepMac: '0e:0f:ac:10:01:64', pods: ['10.244.0.2', '10.244.0.3'] },
  { name: 'worker01', ip: '172.16.1.101', podCidr: '10.244.1.0/24', vtep: '10.244.1.0', vtepMac: '0e:0f:ac:10:01:65', pods: ['10.244.1.2', '10.244.1.3'] },
  { name: 'worker02', ip: '172.16.1.102', podCidr: '10.244.2.0/24', vtep: '10.244.2.0', vtepMac: '0e:0f:ac:10:01:66', pods: ['10.244.2.2', '10.244.2.3'] },
];

interface Link {
  ifname: string;
  mtu: number;
  address: string;
  master?: string;
  flags: string[];
  linkinfo?: { info_kind: string; info_data?: { id: number; port: number; local?: string; learning: boolean; link?: string } };
}
interface Route {
  dst: string;
  gateway?: string;
  flags: string[];
}
interface Neigh {
  dst: string;
  lladdr?: string;
  state: string[];
}
interface Fdb {
  mac: string;
  dst?: string;
  flags: string[];
  state?: string;
}

rootTest(
  'baseline kept: flannel.1, routes, neighbours, FDB, MTUs and pings as the kernel holds them; down leaves nothing',
  async (t) => {
    const linksBefore = hostLinks();
    const report = await runScenario(loadScenario('baseline'), { keep: true });
    runs.push(report.runId);
    t.is(report.status, 'kept', JSON.stringify(report.error)); // booted and kept, no check ran
    try {
      // Namespaces: exactly those of the registry record, and the kernel has every one.
      const record = findRun(report.runId);
      if (!record) return t.fail(`run ${report.runId} is not in the registry`);
      t.true(record.kept);
      // With real flanneld the testbed has its etcd member too.
      const withEtcd = report.agent?.kind === 'flanneld';
      t.deepEqual(Object.keys(record.hosts).sort(), [...(withEtcd ? ['etcd'] : []), 'master', 'master.pod0', 'master.pod1', 'underlay', 'worker01', 'worker01.pod0', 'worker01.pod1', 'worker02', 'worker02.pod0', 'worker02.pod1']);
      const listed = ipNetnsList();
      for (const ns of Object.values(record.hosts)) t.true(listed.includes(ns), `ip netns list has ${ns}`);
      t.deepEqual(runNamespaces(report.runId), Object.values(record.hosts).sort(), 'no other namespace of this run');
      const ns = (host: string) => record.hosts[host] ?? `(no host ${host})`;

      // Every switch port is forwarding, and none shares its peer's ifindex (which makes the
      // kernel handle its carrier changes up to a second late).
      const ports = ipJson<{ ifname: string; ifindex: number; link_index?: number; master?: string; operstate: string }[]>(ns('underlay'), 'link', 'show', 'type', 'veth');
      t.is(ports.length, NODES.length + (withEtcd ? 1 : 0));
      for (const p of ports) {
        t.is(typeof p.link_index, 'number', `${p.ifname} names its peer`);
        t.not(p.ifindex, p.link_index, `${p.ifname}: ifindex ${p.ifindex} differs from its peer's`);
        t.is(p.master, 'underlay0');
        t.is(p.operstate, 'UP', `${p.ifname} is up`);
      }
      const portStates = bridgeJson<{ ifname: string; state: string }[]>(ns('underlay'), 'link', 'show');
      t.true(portStates.length === NODES.length + (withEtcd ? 1 : 0) && portStates.every((p) => p.state === 'forwarding'), JSON.stringify(portStates));

      for (const node of NODES) {
        const peers = NODES.filter((n) => n !== node);
        // flannel.1: vxlan id 1 dstport 8472 nolearning, local = the node IP, on eth0, MTU 1450, not enslaved.
        const [vtep] = ipJson<Link[]>(ns(node.name), '-d', 'link', 'show', 'dev', 'flannel.1');
        t.is(vtep?.linkinfo?.info_kind, 'vxlan', `${node.name}: flannel.1 is vxlan`);
        t.like(vtep?.linkinfo?.info_data, { id: 1, port: 8472, local: node.ip, learning: false, link: 'eth0' }, `${node.name}: flannel.1`);
        t.is(vtep?.mtu, 1450);
        t.is(vtep?.address, node.vtepMac);
        t.is(vtep?.master, undefined, `${node.name}: flannel.1 is not in cni0 (baseline is not bridged)`);
        t.true(vtep?.flags.includes('UP'));

        // Exactly one onlink route, one permanent neighbour and one FDB entry per other node.
        const routes = ipJson<Route[]>(ns(node.name), 'route', 'show', 'dev', 'flannel.1');
        t.deepEqual(
          routes.map((r) => `${r.dst} via ${r.gateway}${r.flags.includes('onlink') ? ' onlink' : ''}`).sort(),
          peers.map((p) => `${p.podCidr} via ${p.vtep} onlink`).sort(),
          `${node.name}: routes on flannel.1`,
        );
        const neighbours = ipJson<Neigh[]>(ns(node.name), 'neigh', 'show', 'dev', 'flannel.1');
        t.deepEqual(neighbours.map((n) => `${n.dst} ${n.lladdr} ${n.state.join(',')}`).sort(), peers.map((p) => `${p.vtep} ${p.vtepMac} PERMANENT`).sort(), `${node.name}: neighbours on flannel.1`);
        const fdb = bridgeJson<Fdb[]>(ns(node.name), 'fdb', 'show', 'dev', 'flannel.1');
        t.deepEqual(
          fdb.filter((f) => f.dst).map((f) => `${f.mac} dst ${f.dst} ${f.flags.join(',')} ${f.state}`).sort(),
          peers.map((p) => `${p.vtepMac} dst ${p.ip} self permanent`).sort(),
          `${node.name}: FDB on flannel.1 (and no flood entry: nolearning, not bridged)`,
        );

        // cni0 and every pod's eth0 at the overlay MTU.
        t.is(ipJson<Link[]>(ns(node.name), 'link', 'show', 'dev', 'cni0')[0]?.mtu, 1450, `${node.name}: cni0 mtu`);
        t.is(ipJson<Link[]>(ns(node.name), 'link', 'show', 'dev', 'eth0')[0]?.mtu, 1500, `${node.name}: underlay eth0 mtu`);
        for (const pod of ['pod0', 'pod1']) {
          const [eth0] = ipJson<Link[]>(ns(`${node.name}.${pod}`), 'link', 'show', 'dev', 'eth0');
          t.is(eth0?.mtu, 1450, `${node.name}.${pod}: eth0 mtu`);
        }
      }

      // Every pod reaches a pod on each other node.
      const pings = NODES.flatMap((from) =>
        ['pod0', 'pod1'].flatMap((pod, i) => NODES.filter((to) => to !== from).map((to) => ({ from: `${from.name}.${pod}`, to: to.pods[i] ?? '' }))),
      );
      const results = await Promise.all(pings.map(async (p) => ({ ...p, r: await inNetns(ns(p.from), ['ping', '-n', '-c', '1', '-W', '2', p.to]) })));
      for (const { from, to, r } of results) t.is(r.code, 0, `ping ${from} -> ${to}: ${r.stdout}${r.stderr}`);

      // Path MTU across the overlay: 1422 B of ICMP payload + 28 = 1450 crosses with DF, 1423 does not.
      const fits = await inNetns(ns('master.pod0'), ['ping', '-n', '-c', '1', '-W', '2', '-M', 'do', '-s', '1422', '10.244.1.2']);
      t.is(fits.code, 0, `DF 1422 B: ${fits.stdout}${fits.stderr}`);
      const tooBig = await inNetns(ns('master.pod0'), ['ping', '-n', '-c', '1', '-W', '1', '-M', 'do', '-s', '1423', '10.244.1.2']);
      t.not(tooBig.code, 0, `DF 1423 B must not cross: ${tooBig.stdout}`);
      t.regex(tooBig.stdout + tooBig.stderr, /message too long|mtu=1450|frag needed/i);
    } finally {
      const down = await cli(['down', report.runId], { env: state.env });
      t.is(down.code, 0, down.stdout + down.stderr);
      t.regex(down.stdout, new RegExp(`run ${report.runId} is down`));
    }

    // Nothing is left: no namespace of the run, no registry record, nothing new in the host namespace.
    t.deepEqual(runNamespaces(report.runId), []);
    t.deepEqual(ipNetnsList().filter((n) => n === `ol-${report.runId}` || n.startsWith(`ol-${report.runId}.`)), []);
    t.is(findRun(report.runId), undefined);
    t.deepEqual(hostLinksAddedSince(linksBefore, report.runId), [], 'the host namespace has no new links');
  },
  { serial: true },
);

rootTest(
  'overlab scenario baseline: exit 0, PASS lines, report.json, and nothing left',
  async (t) => {
    const r = await cli(['scenario', 'baseline'], { env: state.env });
    const runId = /; run ([0-9a-f]{6})\b/.exec(r.stdout)?.[1];
    if (runId) runs.push(runId);
    t.is(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    for (const id of ['reachability', 'mtu', 'pmtu', 'flannel-control-plane[master]', 'flannel-control-plane[worker01]', 'flannel-control-plane[worker02]']) {
      t.true(r.stdout.includes(`PASS ${id}: `), `PASS ${id} printed`);
    }
    t.false(/^FAIL /m.test(r.stdout));
    t.regex(r.stdout, /^baseline PASSED: (\d+)\/\1 assertions passed; boot [\d.]+ ms, teardown [\d.]+ ms/m);

    const path = /^report: (.+report\.json)$/m.exec(r.stdout)?.[1];
    if (!path || !runId) return t.fail(`no report path or run id in:\n${r.stdout}`);
    t.is(path, join(state.reportsDir, 'baseline', runId, 'report.json'), 'the report goes to OVERLAB_REPORTS_DIR/<scenario>/<run>/');
    const report = JSON.parse(readFileSync(path, 'utf8')) as {
      schemaVersion: number;
      scenario: string;
      provider: string;
      runId: string;
      status: string;
      startedAt: string;
      durationMs: number;
      phases: { name: string; durationMs: number; status: string }[];
      topology: { nodes: { name: string; role: string; underlayIp: string; vtepMac: string; podCidr: string }[]; bigips: unknown[] };
      assertions: { id: string; title: string; status: string; expected: string; actual: string; evidence: string[] }[];
      metrics: Record<string, number>;
      artifacts: { pcaps: unknown[] };
    };
    t.like(report, { schemaVersion: 1, scenario: 'baseline', provider: 'netns', runId, status: 'passed' });
    t.false(Number.isNaN(Date.parse(report.startedAt)));
    t.true(report.durationMs > 0);
    const phases = report.phases.map((p) => p.name);
    t.true(phases.includes('boot') && phases.includes('teardown'), phases.join(', '));
    t.true(report.phases.every((p) => p.status === 'passed' && p.durationMs >= 0));
    t.deepEqual(
      report.topology.nodes.map((n) => [n.name, n.role, n.underlayIp, n.vtepMac, n.podCidr]),
      NODES.map((n, i) => [n.name, i === 0 ? 'master' : 'worker', n.ip, n.vtepMac, n.podCidr]),
    );
    t.deepEqual(report.topology.bigips, []);
    // reachability, mtu, pmtu, one control-plane check per node, and the two underlay pcap checks.
    t.deepEqual(report.assertions.map((a) => a.id).sort(), ['flannel-control-plane[master]', 'flannel-control-plane[worker01]', 'flannel-control-plane[worker02]', 'mtu', 'pcap-sizes', 'pcap-vxlan-headers', 'pmtu', 'reachability']);
    for (const a of report.assertions) {
      t.is(a.status, 'passed', `${a.id}: ${a.actual}`);
      t.true(typeof a.expected === 'string' && typeof a.actual === 'string' && a.title.length > 0);
      t.true(a.evidence.length > 0, `${a.id} names its evidence`);
      for (const e of a.evidence) t.true(existsSync(join(dirname(path), e)), `${a.id}: evidence ${e} exists`);
    }
    t.true(report.metrics.bootMs! > 0 && report.metrics.teardownMs! >= 0);
    t.true(Array.isArray(report.artifacts.pcaps));

    // Torn down: no namespace, no registry record, no process left in the run's namespaces.
    t.deepEqual(runNamespaces(runId), []);
    t.is(findRun(runId), undefined);
  },
  { serial: true },
);

