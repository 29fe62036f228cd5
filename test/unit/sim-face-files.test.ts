// The tmsh face's files for a sim unit: unit.json passes the face's own check, and config.json
// names exactly the devices sim creates, so the face's reads find sim's tunnel, VLANs and self IPs.
import test from 'ava';
import { parseUnitConfig } from '../../harness/devices/bigip/tmsh-face/unit.js';
import { namingOf } from '../../harness/devices/bigip/tmsh-face/traffic-group.js';
import { objectsOf } from '../../harness/devices/bigip/tmsh-face/objects.js';
import { simNaming } from '../../harness/devices/bigip/sim/observe.js';
import { simFaceConfig, simFaceUnit } from '../../harness/devices/bigip/sim/face-files.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { planScenario } from '../../harness/plan/plan.js';

const topology = planScenario(loadScenario('failover')).topology;
const [bigip1, bigip2] = topology.bigip!.units;

test('unit.json: accepted by the face, with the peer and the boot-time status', (t) => {
  const u = parseUnitConfig(JSON.stringify(simFaceUnit(topology, bigip2!)), 'unit.json');
  t.like(u, { unit: 'bigip2', peer: { unit: 'bigip1' }, initialStatus: 'STANDBY', tunnelMac: bigip2!.tunnelMac, interfaces: { '1.1': 'eth0', '1.2': 'ext0' } });
  t.is(simFaceUnit(topology, bigip1!).initialStatus, 'ACTIVE');
});

test('config.json: the face names the kernel devices as sim does', (t) => {
  const config = simFaceConfig(topology, bigip1!);
  const face = namingOf(config);
  const sim = simNaming(topology.bigip!);
  t.deepEqual([...face.vlans].sort(), [...sim.vlans].sort());
  t.deepEqual([...face.tunnels], [...sim.tunnels]);
  t.deepEqual(face.trafficGroup.map((a) => a.cidr).sort(), sim.trafficGroup.map((a) => a.cidr).sort());
  const [tunnel] = objectsOf(config, 'tunnel');
  t.like(tunnel, { name: 'flannel_vxlan', dev: 'flannel_vxlan', key: 0, localAddress: '10.169.72.36', mac: bigip1!.tunnelMac, port: 8472, flood: true });
  t.deepEqual(objectsOf(config, 'self').map((s) => s.address), ['10.169.72.36/16', '10.1.10.36/24', '10.217.31.36/16']);
});
