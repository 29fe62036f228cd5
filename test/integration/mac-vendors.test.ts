// The testbed's MACs read as themselves in Wireshark: tshark names no vendor (nor MS-NLB) for
// any MAC a library scenario's plan gives a link, a bridge or a VTEP. A frame from each is
// written to a pcap and tshark's eth.src_resolved must be the address itself; the old 02:01
// prefix is the control that shows the check can fail (tshark says MS-NLB-PhysServer-01).
import test from 'ava';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRunner } from '../../harness/core/command.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { planScenario } from '../../harness/plan/plan.js';
import type { Plan } from '../../harness/plan/types.js';
import { prereqTest, toolsMissing } from './_env.js';

/** Every MAC the plan gives a device: both ends of every link, bridges, VTEPs, the units' tunnels. */
function planMacs(plan: Plan): string[] {
  const out = new Set<string>();
  for (const s of plan.steps) {
    const a = s.action;
    if (a.type === 'wire') for (const l of a.links) out.add(l.a.mac).add(l.b.mac);
    if (a.type === 'host-config') for (const i of a.intent) if ((i.kind === 'bridge-device' || i.kind === 'vxlan-device') && i.mac) out.add(i.mac);
  }
  for (const u of plan.topology.bigip?.units ?? []) out.add(u.tunnelMac);
  return [...out];
}

/** A classic pcap with one broadcast frame from each MAC. */
function pcapFrom(macs: readonly string[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  const records = macs.map((mac, i) => {
    const frame = Buffer.concat([Buffer.alloc(6, 0xff), Buffer.from(mac.split(':').map((h) => parseInt(h, 16))), Buffer.from([0x88, 0xb5]), Buffer.alloc(46)]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(i, 0);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([rec, frame]);
  });
  return Buffer.concat([header, ...records]);
}

prereqTest('tshark names no vendor for any MAC of the library\'s plans (and does for the old 02:01 prefix)', toolsMissing(['tshark']), async (t) => {
  const macs = new Set<string>();
  for (const f of readdirSync(SCENARIOS_DIR).filter((x) => x.endsWith('.yaml'))) {
    const spec = loadScenario(f.replace(/\.yaml$/, ''));
    for (const agent of ['emulated', 'flanneld']) for (const m of planMacs(planScenario({ ...spec, flannel: { ...spec.flannel, agent: spec.flannel.agent ?? agent } }))) macs.add(m);
  }
  t.true(macs.size > 50, `${macs.size} MACs`);
  const control = '02:01:0a:a9:48:7f';
  const dir = mkdtempSync(join(tmpdir(), 'overlab-macs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'macs.pcap');
  writeFileSync(file, pcapFrom([...macs, control]));
  const r = await new LocalRunner().run(['tshark', '-r', file, '-T', 'fields', '-e', 'eth.src', '-e', 'eth.src_resolved'], { timeoutMs: 60_000 });
  const resolved = new Map(r.stdout.trim().split('\n').map((l) => l.split('\t') as [string, string]));
  t.is(resolved.size, macs.size + 1);
  t.regex(resolved.get(control) ?? '', /^MS-NLB-PhysServer-01_/, 'the control: tshark does name a vendor where one is listed');
  const named = [...macs].filter((m) => resolved.get(m) !== m).map((m) => `${m} -> ${resolved.get(m)}`);
  t.deepEqual(named, []);
});
