// The units' records of the kind nodes, as the cluster has them: the failover scenario fitted to a
// kind network (test/fixtures/kind/network-inspect.kind.json), Docker having given the two nodes
// each other's guessed address (kind makes them concurrently), their MACs Docker's, and their
// VtepMACs those flanneld published on the Node objects (test/fixtures/kind/nodes.list.json).
// Every planned value in bigip1's ip and bridge lines is swapped for the cluster's, in one pass.
import test from 'ava';
import { hostActions } from '../../harness/plan/host-actions.js';
import { nodeFacts, translateLines } from '../../harness/providers/kind/node-facts.js';
import { kindFailover } from './_kind-cluster.js';

const setup = kindFailover;

test('planned node address, MAC and VtepMAC -> the cluster\'s, for each node', (t) => {
  const { plan, leases, attached } = setup();
  const [master, worker] = plan.topology.nodes;
  const { facts, unknown } = nodeFacts(plan.topology.nodes, attached, leases);
  t.deepEqual(unknown, []);
  t.deepEqual(Object.fromEntries(facts), {
    [master!.underlayIp]: '172.18.0.3',
    [master!.underlayMac]: '02:42:ac:12:00:03',
    [master!.vtepMac]: '9e:41:7c:2b:0d:55',
    [worker!.underlayIp]: '172.18.0.2',
    [worker!.underlayMac]: '02:42:ac:12:00:02',
    [worker!.vtepMac]: 'd2:6b:10:8f:3a:e1',
  });
});

test('bigip1\'s neighbours and static FDB records name the nodes as the cluster has them; the units\' own values stay', (t) => {
  const { plan, leases, attached } = setup();
  const { facts } = nodeFacts(plan.topology.nodes, attached, leases);
  const lines = plan.steps.filter((s) => s.id === 'unit:bigip1' || s.id === 'unit-fdb:bigip1').flatMap((s) => (s.action.type === 'write-files' ? [] : hostActions(s.action))).flatMap((a) => (a.type === 'ip' || a.type === 'bridge' ? a.lines : []));
  const out = translateLines(lines, facts).map((l) => l.join(' '));
  const bigip2 = plan.topology.bigip!.units[1]!;
  t.true(out.includes('neigh replace 172.18.0.3 lladdr 02:42:ac:12:00:03 dev eth0 nud permanent'), out.join('\n'));
  t.true(out.includes('neigh replace 172.18.0.2 lladdr 02:42:ac:12:00:02 dev eth0 nud permanent'));
  t.true(out.includes(`neigh replace ${bigip2.underlayIp} lladdr ${bigip2.underlayMac} dev eth0 nud permanent`), 'the other unit is the run\'s own: as planned');
  t.true(out.includes('fdb replace 9e:41:7c:2b:0d:55 dev flannel_vxlan dst 172.18.0.3 self permanent'));
  t.true(out.includes('fdb replace d2:6b:10:8f:3a:e1 dev flannel_vxlan dst 172.18.0.2 self permanent'));
  t.true(out.includes('fdb append 00:00:00:00:00:00 dev flannel_vxlan dst 172.18.0.3 self permanent'));
  for (const n of plan.topology.nodes) t.false(out.some((l) => l.includes(n.underlayMac) || l.includes(n.vtepMac)), `no planned MAC of ${n.name} left`);
  // The swap is one pass: master's planned .2 became .3 and was not turned back into .2 by worker's.
  t.is(out.filter((l) => l.startsWith('fdb replace') && l.includes('dst 172.18.0.3')).length, 1);
});

test('a node the cluster has said nothing of keeps the plan\'s values, and is named', (t) => {
  const { plan } = setup();
  const { facts, unknown } = nodeFacts(plan.topology.nodes, [{ node: 'master', ip: '172.18.0.2', mac: null }], []);
  t.deepEqual(unknown, ['master\'s MAC on kind\'s network', 'master\'s VtepMAC (its Node has no flannel annotations)', 'worker\'s address on kind\'s network', 'worker\'s MAC on kind\'s network', 'worker\'s VtepMAC (its Node has no flannel annotations)']);
  t.is(facts.size, 0, 'master got the address the plan guessed: nothing to swap');
});
