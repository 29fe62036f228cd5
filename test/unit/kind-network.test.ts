// kind's Docker network read from `docker network inspect` (a fixture in the shape Docker gives
// for a network kind made: IPv6 ULA subnet first, the IPv4 one Docker chose, another cluster's
// node on it) and the scenario's underlay fitted to it: nodes on the lowest free addresses after
// the gateway, units on the highest, nothing else moved, and clear errors when nothing fits.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, SCENARIOS_DIR } from '../../harness/core/paths.js';
import { loadScenarioFile, validateSpec } from '../../harness/spec/load.js';
import { planScenario } from '../../harness/plan/plan.js';
import { fitUnderlayToKind, kindNetworkName, kindNetworkOf, type NetworkInspect } from '../../harness/providers/kind/network.js';

const inspect = (): NetworkInspect => JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/kind/network-inspect.kind.json'), 'utf8')) as NetworkInspect;
const failover = () => loadScenarioFile(join(SCENARIOS_DIR, 'failover.yaml'));

test('kind\'s network: its IPv4 subnet, gateway, MTU and the addresses already taken', (t) => {
  t.deepEqual(kindNetworkOf(inspect()), { name: 'kind', subnet: '172.18.0.0/16', gateway: '172.18.0.1', mtu: 1500, taken: ['172.18.0.2'] });
  t.is(kindNetworkName({}), 'kind');
  t.is(kindNetworkName({ KIND_EXPERIMENTAL_DOCKER_NETWORK: 'kind-ci' }), 'kind-ci');
});

test('a network kind could not share the units with is refused, naming the problem and the fix', (t) => {
  t.throws(() => kindNetworkOf({ ...inspect(), IPAM: { Config: [{ Subnet: 'fc00:f853:ccd:e793::/64' }] } }), { message: /has no IPv4 subnet.*remove the network/ });
  t.throws(() => kindNetworkOf({ ...inspect(), Driver: 'macvlan' }), { message: /is a macvlan network; kind's is a bridge network/ });
});

test('the failover scenario fitted to kind\'s network: nodes lowest free, units highest, the rest untouched', (t) => {
  const spec = failover();
  const { spec: fitted, moved } = fitUnderlayToKind(spec, kindNetworkOf(inspect()));
  t.deepEqual(fitted.underlay, { cidr: '172.18.0.0/16', mtu: 1500 });
  // 172.18.0.2 is another cluster's node: skipped.
  t.deepEqual(fitted.nodes.map((n) => n.underlayIp), ['172.18.0.3', '172.18.0.4']);
  t.deepEqual(fitted.bigip!.units.map((u) => u.underlaySelfIp), ['172.18.255.254', '172.18.255.253']);
  t.deepEqual(moved.map((m) => `${m.what}: ${m.from} -> ${m.to}`), [
    'node master: 10.169.72.127 -> 172.18.0.3',
    'node worker: 10.169.72.128 -> 172.18.0.4',
    'unit bigip1 underlay self IP: 10.169.72.36 -> 172.18.255.254',
    'unit bigip2 underlay self IP: 10.169.72.38 -> 172.18.255.253',
  ]);
  // Pods, podCIDRs, tunnel and external VLAN addresses are the scenario's own.
  t.deepEqual(fitted.nodes.map((n) => [n.podCidr, n.pods]), spec.nodes.map((n) => [n.podCidr, n.pods]));
  t.deepEqual(fitted.bigip!.units.map((u) => [u.externalSelfIp, u.tunnelSelfIp]), spec.bigip!.units.map((u) => [u.externalSelfIp, u.tunnelSelfIp]));
  // Still a valid scenario, and it plans: every unit's tunnel speaks from its new self IP.
  t.notThrows(() => validateSpec(fitted, 'fitted'));
  const plan = planScenario(fitted);
  t.deepEqual(plan.topology.bigip!.units.map((u) => u.underlayIp), ['172.18.255.254', '172.18.255.253']);
  t.deepEqual(plan.topology.nodes.map((n) => n.underlayIp), ['172.18.0.3', '172.18.0.4']);
});

test('floating underlay self IPs move with the units, with kind\'s prefix; other VLANs\' stay', (t) => {
  const spec = failover();
  const withFloating = { ...spec, bigip: { ...spec.bigip!, floatingSelfIps: [{ address: '10.169.72.40/16', vlan: 'underlay' as const }, { address: '10.217.32.1/16', vlan: 'tunnel' as const }] } };
  const { spec: fitted } = fitUnderlayToKind(withFloating, kindNetworkOf(inspect()));
  t.deepEqual(fitted.bigip!.floatingSelfIps, [{ address: '172.18.255.252/16', vlan: 'underlay' }, { address: '10.217.32.1/16', vlan: 'tunnel' }]);
});

test('a network with no room for the testbed says so', (t) => {
  const small = { name: 'kind', subnet: '172.18.0.0/29', gateway: '172.18.0.1', mtu: 1500, taken: ['172.18.0.2', '172.18.0.3', '172.18.0.4'] };
  t.throws(() => fitUnderlayToKind(failover(), small), { message: /kind's Docker network kind \(172\.18\.0\.0\/29\) has no free address left for unit bigip1/ });
});
