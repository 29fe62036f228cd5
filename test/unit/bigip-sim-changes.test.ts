// The stand-in's changes at runtime, on a recording transport (no root): what each unit is told
// to run when the tunnel's key changes (the device made again with everything it had: the same
// words as the boot's, but the key) and when CIS forgets a node that left (its records, flood
// entry, static ARP and pool members; the active unit's virtual server re-rendered, and the
// standby taking the new pool at a later failover). Which unit is active comes from the unit
// (whether traffic-group-1's ruleset is loaded), as the stand-in reads it.
import test from 'ava';
import { simDevice } from '../../harness/devices/bigip/sim/index.js';
import { TG_TABLE } from '../../harness/devices/bigip/sim/config.js';
import { renderIntent } from '../../harness/devices/linux/render.js';
import type { BigipPair, BigipTransport } from '../../harness/devices/bigip/types.js';
import type { CommandResult, RunOptions } from '../../harness/core/command.js';
import { planScenario } from '../../harness/plan/plan.js';
import type { Plan } from '../../harness/plan/types.js';
import { loadScenario } from '../../harness/scenario/resolve.js';

interface Sent {
  unit: string;
  /** `ip ...`/`bridge ...` lines of a batch, or the argv of another command, or `nft: <ruleset>`. */
  lines: string[];
}

/** A transport that records what each unit is told and answers `nft list tables` from the rulesets it was given. */
function recording(active: string): { transport: BigipTransport; sent: Sent[]; of: (unit: string) => string[] } {
  const sent: Sent[] = [];
  const loaded = new Set([active]);
  const ok = (argv: readonly string[], stdout = ''): CommandResult => ({ argv, exitCode: 0, stdout, stderr: '', durationMs: 0 });
  const transport: BigipTransport = {
    runId: 'r1',
    node: (unit) => ({
      id: unit,
      location: unit,
      exec: async (argv: readonly string[], options?: RunOptions) => {
        if (argv.join(' ') === 'nft list tables') return ok(argv, loaded.has(unit) ? `table ip ${TG_TABLE}\n` : '');
        if (argv.join(' ') === `nft delete table ip ${TG_TABLE}`) loaded.delete(unit);
        const batch = argv.length === 3 && argv[1] === '-batch' ? (options?.stdin ?? '').trim().split('\n').map((l) => `${argv[0]} ${l}`) : undefined;
        sent.push({ unit, lines: batch ?? [argv.join(' ')] });
        return ok(argv);
      },
    }),
    nft: async (unit, ruleset) => {
      if (ruleset.includes(`table ip ${TG_TABLE} {\n`)) loaded.add(unit);
      sent.push({ unit, lines: [`nft: ${ruleset}`] });
    },
    spawnDetached: () => undefined,
  };
  return { transport, sent, of: (unit) => sent.filter((s) => s.unit === unit).flatMap((s) => s.lines) };
}

/** A unit step's lines as the plan renders them (`ip ...`, `bridge ...`). */
function planLines(plan: Plan, id: string): string[] {
  const step = plan.steps.find((s) => s.id === id);
  if (step?.action.type !== 'host-config') throw new Error(`no host-config step ${id}`);
  return renderIntent(step.action.host, step.action.intent).flatMap((a) => (a.type === 'ip' || a.type === 'bridge' ? a.lines.map((l) => `${a.type} ${l.join(' ')}`) : []));
}

function open(scenario: string): { plan: Plan; pair: BigipPair; rec: ReturnType<typeof recording> } {
  const plan = planScenario(loadScenario(scenario));
  const rec = recording(plan.topology.bigip!.active);
  return { plan, pair: simDevice.open(plan.topology, rec.transport), rec };
}

test('a new key: each unit deletes its tunnel and makes it again with the boot\'s words but the key, its records and flooding, up last', async (t) => {
  const { plan, pair, rec } = open('vni-change');
  await pair.setTunnelKey!(1);
  for (const unit of ['bigip1', 'bigip2']) {
    const boot = planLines(plan, `unit:${unit}`);
    const tunnel = boot.slice(boot.findIndex((l) => l.includes(' type vxlan ')));
    const lines = rec.of(unit).filter((l) => l !== 'nft list tables');
    t.is(lines[0], 'ip link del dev flannel_vxlan', unit);
    // The VXLAN device, its addrgen and its self IP: the boot's lines, the key aside.
    t.deepEqual(lines.slice(1, 4), tunnel.slice(0, 3).map((l) => l.replace(' id 0 ', ' id 1 ')), unit);
    t.regex(lines[1]!, / id 1 dstport 8472 local 10\.169\.72\.3[68] dev eth0 learning$/);
    // The FDB records and flood entries of the configure step, then the tunnel comes up.
    t.deepEqual(lines.slice(4, -1), planLines(plan, `unit-fdb:${unit}`), unit);
    t.is(lines[lines.length - 1], 'ip link set dev flannel_vxlan up', unit);
  }
  // Nothing but the tunnel: traffic-group-1's ruleset stays where it was.
  t.false(rec.sent.some((s) => s.lines.some((l) => l.startsWith('nft:'))));
});

test('a new key on a traffic-group-1 tunnel: only the unit holding the group brings it up again', async (t) => {
  const { pair, rec } = open('floating-local');
  await pair.setTunnelKey!(5);
  t.true(rec.of('bigip1').includes('ip link set dev flannel_vxlan up'));
  t.false(rec.of('bigip2').includes('ip link set dev flannel_vxlan up'));
  t.true(rec.of('bigip2').some((l) => / type vxlan id 5 /.test(l)));
});

test('CIS forgets worker: its record and flood entry on both units, the virtual server re-rendered on the active unit without its pod, its flows dropped', async (t) => {
  const { pair, rec } = open('node-leave');
  await pair.forgetNode!('worker');
  const removed = ['bridge fdb del 0e:0f:0a:a9:48:80 dev flannel_vxlan dst 10.169.72.128 self', 'bridge fdb del 00:00:00:00:00:00 dev flannel_vxlan dst 10.169.72.128 self'];
  for (const unit of ['bigip1', 'bigip2']) t.deepEqual(rec.of(unit).filter((l) => l.startsWith('bridge ')), removed, unit);
  const rulesets = rec.sent.filter((s) => s.lines[0]!.startsWith('nft:'));
  t.deepEqual(rulesets.map((s) => s.unit), ['bigip1'], 'only the active unit loads the group again');
  const ruleset = rulesets[0]!.lines[0]!;
  // Replaced in one transaction, never absent: the unit stays ACTIVE throughout.
  t.true(ruleset.startsWith(`nft: table ip ${TG_TABLE} {}\ndelete table ip ${TG_TABLE}\ntable ip ${TG_TABLE} {`), ruleset);
  t.regex(ruleset, /tcp dport 80 dnat to 10\.217\.0\.22\n/);
  t.false(ruleset.includes('10.217.1.30'));
  t.true(rec.of('bigip1').includes('conntrack -D --reply-src 10.217.1.30'));
  t.false(rec.of('bigip2').some((l) => l.startsWith('conntrack')));
});

test('after CIS forgot worker, a failover gives the standby the pool without it, and a new key does not bring its records back', async (t) => {
  const { pair, rec } = open('node-leave');
  await pair.forgetNode!('worker');
  await pair.failover('bigip1');
  const taken = rec.sent.filter((s) => s.unit === 'bigip2' && s.lines[0]!.startsWith('nft:')).map((s) => s.lines[0]!);
  t.is(taken.length, 1);
  t.regex(taken[0]!, /dnat to 10\.217\.0\.22\n/);
  t.false(taken[0]!.includes('10.217.1.30'));
  rec.sent.length = 0;
  await pair.setTunnelKey!(1);
  t.false(rec.sent.some((s) => s.lines.some((l) => l.includes('10.169.72.128'))), 'no record or flood entry toward worker again');
});

test('with CIS static ARP, forgetting a node removes the ARP entries of its pods too', async (t) => {
  const { pair, rec } = open('vtepmac-static-arp');
  await pair.forgetNode!('worker');
  t.true(rec.of('bigip1').includes('ip neigh del 10.217.1.30 dev flannel_vxlan'));
  t.false(rec.of('bigip1').some((l) => l.includes('10.217.0.22 dev')));
});

test('forgetting every node leaves a pool with no member: the virtual server translates to nothing', async (t) => {
  const { pair, rec } = open('node-leave');
  await pair.forgetNode!('worker');
  await pair.forgetNode!('master');
  const last = rec.sent.filter((s) => s.lines[0]!.startsWith('nft:')).pop()!.lines[0]!;
  t.false(last.includes('dnat to'), last);
  t.true(last.includes('snat to'), last);
});
