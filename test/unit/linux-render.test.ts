// The Linux device's rendering of intent (devices/linux/render.ts): every kind becomes the words
// iproute2, bridge, sysctl or nft expect, runs of one tool share one bulk action, and a host's
// order is kept, down to the node step of the golden baseline plan. No root needed.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinuxIntent, LinuxIntentKind } from '../../harness/devices/linux/intent.js';
import { renderIntent, renderOne, type RenderedIntent } from '../../harness/devices/linux/render.js';
import { planScenario } from '../../harness/plan/plan.js';
import { loadScenarioFile } from '../../harness/spec/load.js';
import { PROJECT_ROOT, SCENARIOS_DIR } from '../../harness/core/paths.js';

const vxlan = { name: 'flannel.1', vni: 1, port: 8472, local: '172.16.1.100', learning: false, mtu: 1450, mac: '02:0f:ac:10:01:64' };

/** One example per kind, with the tool and words it must render to. Typed by kind, so a new kind without a case fails to compile. */
const cases: { [K in LinuxIntentKind]: [Extract<LinuxIntent, { kind: K }>, RenderedIntent['tool'], string][] } = {
  'link-up': [[{ kind: 'link-up', dev: 'eth0' }, 'ip', 'link set dev eth0 up']],
  'link-down': [[{ kind: 'link-down', dev: 'vxlan-tunnel' }, 'ip', 'link set dev vxlan-tunnel down']],
  'ipv6-addrgen-off': [[{ kind: 'ipv6-addrgen-off', dev: 'cni0' }, 'ip', 'link set dev cni0 addrgenmode none']],
  'link-removed': [[{ kind: 'link-removed', dev: 'flannel_vxlan' }, 'ip', 'link del dev flannel_vxlan']],
  'bridge-device': [[{ kind: 'bridge-device', name: 'cni0', mac: '0a:58:0a:f4:00:01', mtu: 1450, multicastSnooping: false }, 'ip', 'link add name cni0 address 0a:58:0a:f4:00:01 mtu 1450 type bridge mcast_snooping 0']],
  'vxlan-device': [
    [{ kind: 'vxlan-device', ...vxlan, dev: 'eth0' }, 'ip', 'link add name flannel.1 address 02:0f:ac:10:01:64 mtu 1450 type vxlan id 1 dstport 8472 local 172.16.1.100 dev eth0 nolearning'],
    [{ kind: 'vxlan-device', ...vxlan, learning: true }, 'ip', 'link add name flannel.1 address 02:0f:ac:10:01:64 mtu 1450 type vxlan id 1 dstport 8472 local 172.16.1.100 learning'],
  ],
  'dummy-device': [[{ kind: 'dummy-device', name: 'dummy0', mac: '02:00:00:00:00:09' }, 'ip', 'link add name dummy0 address 02:00:00:00:00:09 type dummy']],
  master: [[{ kind: 'master', dev: 'veth0', master: 'cni0' }, 'ip', 'link set dev veth0 master cni0']],
  'no-master': [[{ kind: 'no-master', dev: 'veth0' }, 'ip', 'link set dev veth0 nomaster']],
  mtu: [[{ kind: 'mtu', dev: 'eth0', mtu: 9000 }, 'ip', 'link set dev eth0 mtu 9000']],
  address: [[{ kind: 'address', cidr: '10.244.0.0/32', dev: 'flannel.1' }, 'ip', 'addr add 10.244.0.0/32 dev flannel.1']],
  'address-removed': [[{ kind: 'address-removed', cidr: '10.1.10.100/32', dev: 'ext0' }, 'ip', 'addr del 10.1.10.100/32 dev ext0']],
  route: [
    [{ kind: 'route', mode: 'add', dst: '10.244.0.0/16', via: '10.244.0.1', dev: 'eth0' }, 'ip', 'route add 10.244.0.0/16 via 10.244.0.1 dev eth0'],
    [{ kind: 'route', mode: 'add', dst: 'default', via: '10.244.0.1', dev: 'eth0' }, 'ip', 'route add default via 10.244.0.1 dev eth0'],
    [{ kind: 'route', mode: 'replace', dst: '10.244.1.0/24', via: '10.244.1.0', dev: 'flannel.1', onlink: true }, 'ip', 'route replace 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink'],
  ],
  neighbour: [[{ kind: 'neighbour', ip: '10.244.1.0', mac: '02:0f:ac:10:01:65', dev: 'flannel.1' }, 'ip', 'neigh replace 10.244.1.0 lladdr 02:0f:ac:10:01:65 dev flannel.1 nud permanent']],
  'neighbour-removed': [[{ kind: 'neighbour-removed', ip: '10.244.1.0', dev: 'flannel.1' }, 'ip', 'neigh del 10.244.1.0 dev flannel.1']],
  'fdb-vtep': [[{ kind: 'fdb-vtep', mac: '02:0f:ac:10:01:65', dev: 'flannel.1', dst: '172.16.1.101' }, 'bridge', 'fdb replace 02:0f:ac:10:01:65 dev flannel.1 dst 172.16.1.101 self permanent']],
  'fdb-flood': [[{ kind: 'fdb-flood', dev: 'vxlan-tunnel', dst: '172.16.1.101' }, 'bridge', 'fdb append 00:00:00:00:00:00 dev vxlan-tunnel dst 172.16.1.101 self permanent']],
  'fdb-static': [[{ kind: 'fdb-static', mac: '02:01:ac:10:01:64', port: 'swp0' }, 'bridge', 'fdb replace 02:01:ac:10:01:64 dev swp0 master static']],
  'fdb-removed': [
    [{ kind: 'fdb-removed', mac: '02:0f:ac:10:01:65', dev: 'flannel.1' }, 'bridge', 'fdb del 02:0f:ac:10:01:65 dev flannel.1 self'],
    [{ kind: 'fdb-removed', mac: '00:00:00:00:00:00', dev: 'flannel.1', dst: '172.16.1.101' }, 'bridge', 'fdb del 00:00:00:00:00:00 dev flannel.1 dst 172.16.1.101 self'],
  ],
  sysctl: [[{ kind: 'sysctl', settings: { 'net.ipv4.ip_forward': '1' } }, 'sysctl', 'net.ipv4.ip_forward=1']],
  'nft-ruleset': [[{ kind: 'nft-ruleset', ruleset: 'table ip t {\n}\n' }, 'nft', 'table ip t {\n}\n']],
};

/** What a bulk action carries, as text: the words of each line, the settings, or the ruleset. */
function words(r: RenderedIntent): string {
  if (r.tool === 'ip' || r.tool === 'bridge') return r.line.join(' ');
  if (r.tool === 'sysctl') return Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(' ');
  return r.ruleset;
}

test('every intent kind renders to the words iproute2, bridge, sysctl and nft expect', (t) => {
  for (const [kind, examples] of Object.entries(cases)) {
    t.true(examples.length > 0, kind);
    for (const [intent, tool, expected] of examples as [LinuxIntent, RenderedIntent['tool'], string][]) {
      const r = renderOne(intent);
      t.is(r.tool, tool, kind);
      t.is(words(r), expected, kind);
    }
  }
});

test('runs of one tool share one bulk action; the order holds across tools; sysctls merge, rulesets do not', (t) => {
  const intent: LinuxIntent[] = [
    { kind: 'vxlan-device', ...vxlan },
    { kind: 'link-up', dev: 'flannel.1' },
    { kind: 'fdb-vtep', mac: '02:0f:ac:10:01:65', dev: 'flannel.1', dst: '172.16.1.101' },
    { kind: 'fdb-flood', dev: 'flannel.1', dst: '172.16.1.101' },
    { kind: 'neighbour', ip: '10.244.1.0', mac: '02:0f:ac:10:01:65', dev: 'flannel.1' },
    { kind: 'sysctl', settings: { 'net.ipv4.ip_forward': '1' } },
    { kind: 'sysctl', settings: { 'net.ipv4.conf.all.rp_filter': '0' } },
    { kind: 'nft-ruleset', ruleset: 'table ip a {\n}\n' },
    { kind: 'nft-ruleset', ruleset: 'table ip b {\n}\n' },
  ];
  const actions = renderIntent('master', intent);
  t.deepEqual(
    actions.map((a) => a.type),
    ['ip', 'bridge', 'ip', 'sysctl', 'nft', 'nft'],
  );
  t.true(actions.every((a) => a.host === 'master'));
  const [first, fdb, after, sysctl] = actions;
  t.deepEqual(first?.type === 'ip' ? first.lines.map((l) => l[1]) : [], ['add', 'set']);
  t.deepEqual(fdb?.type === 'bridge' ? fdb.lines.map((l) => l[1]) : [], ['replace', 'append']);
  t.deepEqual(after?.type === 'ip' ? after.lines : [], [['neigh', 'replace', '10.244.1.0', 'lladdr', '02:0f:ac:10:01:65', 'dev', 'flannel.1', 'nud', 'permanent']]);
  t.deepEqual(sysctl?.type === 'sysctl' ? Object.entries(sysctl.settings) : [], [['net.ipv4.ip_forward', '1'], ['net.ipv4.conf.all.rp_filter', '0']]);
  t.deepEqual(renderIntent('master', []), [], 'no intent, nothing to run');
  // Rendering copies what it merges: the plan's own sysctl settings are not changed.
  t.deepEqual((intent[5] as { settings: object }).settings, { 'net.ipv4.ip_forward': '1' });
});

test("a node's lines keep their order: node:master of the baseline plan renders, line by line, as the golden plan lists it", (t) => {
  const plan = planScenario(loadScenarioFile(join(SCENARIOS_DIR, 'baseline.yaml')));
  const step = plan.steps.find((s) => s.id === 'node:master');
  if (step?.action.type !== 'host-config') return t.fail('node:master is a host-config step');
  const actions = renderIntent(step.action.host, step.action.intent);
  t.is(actions.length, 1, 'a node step is ip lines only: one batch');
  const lines = actions[0]?.type === 'ip' ? actions[0].lines.map((l) => l.join(' ')) : [];
  t.deepEqual(lines, step.action.intent.map((i) => words(renderOne(i))), 'one line per intent, in the intent order');
  // The golden plan's lines under `[boot] node:master`, without the `ip -n NS` prefix.
  const golden = readFileSync(join(PROJECT_ROOT, 'test/fixtures/golden/baseline.plan.txt'), 'utf8').split('\n');
  const at = golden.findIndex((l) => l.startsWith('[boot] node:master:'));
  const end = golden.findIndex((l, i) => i > at && !l.startsWith('    '));
  const prefix = '    ip -n ol-RUN.master ';
  t.deepEqual(lines, golden.slice(at + 1, end).map((l) => (l.startsWith(prefix) ? l.slice(prefix.length) : l)));
  t.is(lines[0], 'link set dev lo up');
});
