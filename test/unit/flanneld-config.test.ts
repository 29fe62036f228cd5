// The flanneld agent's pure parts: the network config flanneld reads from etcd, the reservations
// and unit leases, the etcd member's address, the steps it plans, and how it reads its registry
// back (etcdctl get's key and value lines; the transport is a recorder here, the parsing is ours).
import test from 'ava';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { validateSpec } from '../../harness/spec/load.js';
import { resolveTopology } from '../../harness/spec/topology.js';
import type { ScenarioSpec } from '../../harness/spec/schema.js';
import { networkConfig, reservation, subnetProblem, unitLease } from '../../harness/overlay/flannel/flanneld/config.js';
import { etcdHost, flanneldAgent } from '../../harness/overlay/flannel/flanneld/index.js';
import type { NodeHandle } from '../../harness/providers/types.js';

const topo = (mutate: (s: ScenarioSpec) => void = () => undefined) => {
  const spec = structuredClone(loadScenario('failover'));
  mutate(spec);
  return resolveTopology(validateSpec(spec, 'test'));
};

test('network config: the scenario\'s VNI, port and learning; SubnetMin/Max span the whole network; no MTU when the VTEP gets underlay - 50', (t) => {
  t.deepEqual(JSON.parse(networkConfig(topo())), {
    Network: '10.217.0.0/16',
    SubnetLen: 24,
    SubnetMin: '10.217.0.0',
    SubnetMax: '10.217.255.0',
    Backend: { Type: 'vxlan', VNI: 0, Port: 8472, Learning: true },
  });
});

test('network config: an overlay MTU other than underlay - 50 is passed as Backend MTU + 50 (flanneld subtracts 50)', (t) => {
  const cfg = JSON.parse(networkConfig(topo((s) => (s.flannel.mtu = 1400)))) as { Backend: { MTU?: number } };
  t.is(cfg.Backend.MTU, 1450);
});

test('network config: /25 podCIDRs give SubnetLen 25 and the last /25 as SubnetMax', (t) => {
  const cfg = JSON.parse(
    networkConfig(
      topo((s) => {
        s.nodes[0]!.podCidr = '10.217.0.0/25';
        s.nodes[1]!.podCidr = '10.217.0.128/25';
        s.nodes[1]!.pods = [{ name: 'nginx', ip: '10.217.0.130' }];
        for (const u of s.bigip!.units) u.flannelNode = { podCidr: u.name === 'bigip1' ? '10.217.31.0/25' : '10.217.33.0/25' };
      }),
    ),
  ) as { SubnetLen: number; SubnetMax: string };
  t.is(cfg.SubnetLen, 25);
  t.is(cfg.SubnetMax, '10.217.255.128');
});

test('podCIDRs of different lengths are a problem for flanneld, named per host; one length is none', (t) => {
  t.is(subnetProblem(topo()), undefined);
  const problem = subnetProblem(topo((s) => (s.nodes[1]!.podCidr = '10.217.1.0/25')));
  t.regex(problem ?? '', /master \/24, worker \/25/);
  t.regex(problem ?? '', /flannel\.agent: emulated/);
});

test('a reservation has no BackendData (flanneld fills it in); a unit lease carries its tunnel MAC as VtepMAC', (t) => {
  t.deepEqual(reservation('10.217.0.0/24', '10.169.72.127'), { key: '/overlab/{run}/network/subnets/10.217.0.0-24', value: '{"PublicIP":"10.169.72.127","BackendType":"vxlan"}' });
  const l = unitLease({ subnet: '10.217.31.0/24', publicIp: '10.169.72.36', backendType: 'vxlan', vni: 0, vtepMac: '02:0f:0a:a9:48:24' });
  t.is(l.key, '/overlab/{run}/network/subnets/10.217.31.0-24');
  t.deepEqual(JSON.parse(l.value), { PublicIP: '10.169.72.36', BackendType: 'vxlan', BackendData: { VNI: 0, VtepMAC: '02:0f:0a:a9:48:24' } });
});

test('the etcd member takes the underlay\'s highest free address, skipping any taken one', (t) => {
  t.is(etcdHost(topo()).ip, '10.169.255.254');
  t.is(etcdHost(topo((s) => (s.bigip!.units[0]!.underlaySelfIp = '10.169.255.254'))).ip, '10.169.255.253');
});

test('planned steps: every node waits for its reserved subnet and for a route to every other lease', (t) => {
  const steps = flanneldAgent.planSteps(topo());
  const wait = steps.find((s) => s.id === 'flannel:worker')?.action;
  t.is(wait?.type, 'wait-command');
  const expect = new RegExp(wait?.type === 'wait-command' ? (wait.expect ?? '') : '', 'm');
  t.true(expect.test('FLANNEL_NETWORK=10.217.0.0/16\nFLANNEL_SUBNET=10.217.1.1/24\n'));
  t.false(expect.test('FLANNEL_SUBNET=10.217.30.1/24\n'), 'another subnet than the reservation fails the wait');
  const peers = steps.find((s) => s.id === 'flannel-fdb:worker')?.action;
  const routes = new RegExp(peers?.type === 'wait-command' ? (peers.expect ?? '') : '', 'm');
  const all = ['10.217.0.0/24', '10.217.31.0/24', '10.217.33.0/24'].map((d) => `${d} via ${d.replace('/24', '')} dev flannel.0 onlink`).join('\n');
  t.true(routes.test(all));
  t.false(routes.test(all.split('\n').slice(0, 2).join('\n')), 'a missing peer route fails the wait');
});

test('listNodes reads etcdctl get\'s key and value lines, under the run\'s own prefix', async (t) => {
  const seen: string[][] = [];
  const node = (host: string): NodeHandle => ({
    id: host,
    location: host,
    exec: async (argv) => {
      seen.push([...argv]);
      const stdout = argv[0] === 'ip' ? '2: eth0    inet 10.169.255.254/16 scope global eth0\n' : ['/overlab/abc123/network/subnets/10.217.1.0-24', '{"PublicIP":"10.169.72.128","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":0,"VtepMAC":"02:0F:0A:A9:48:80"}}', '/overlab/abc123/network/subnets/10.217.0.0-24', '{"PublicIP":"10.169.72.127","BackendType":"vxlan","BackendData":{"VNI":0,"VtepMAC":"02:0f:0a:a9:48:7f"}}', ''].join('\n');
      return { argv: [...argv], exitCode: 0, stdout, stderr: '', durationMs: 0 };
    },
  });
  const leases = await flanneldAgent.listNodes({ runDir: '/nonexistent', runId: 'abc123', node });
  t.deepEqual(leases.map((l) => `${l.subnet} ${l.publicIp} ${l.vtepMac}`), ['10.217.0.0/24 10.169.72.127 02:0f:0a:a9:48:7f', '10.217.1.0/24 10.169.72.128 02:0f:0a:a9:48:80']);
  t.true(seen.some((a) => a.includes('--prefix') && a.includes('/overlab/abc123/network/subnets/') && a.includes('http://10.169.255.254:2379')));
  await t.throwsAsync(flanneldAgent.listNodes({ runDir: '/nonexistent' }), { message: /needs the run id and the transport/ });
});
