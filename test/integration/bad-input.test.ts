// A bad scenario file stops the CLI before anything exists: exit code 2, a message naming the
// file, line and field, no run directory, no registry record, and not one call to ip, bridge,
// nsenter or any other tool. The tools are replaced on PATH by tiny scripts that record every
// call, so "created nothing" does not depend on what other tests do to the machine meanwhile.
import test from 'ava';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, cli, isolateState, removeRunNamespaces, rootTest } from './_env.js';

const state = isolateState('bad-input');
const fakeBin = join(state.root, 'bin');
const calls = join(state.root, 'tool-calls.log');
mkdirSync(fakeBin, { recursive: true });
for (const tool of ['ip', 'bridge', 'nsenter', 'ping', 'sysctl', 'tcpdump', 'nft', 'arping', 'socat', 'conntrack']) {
  const script = join(fakeBin, tool);
  writeFileSync(script, `#!/bin/sh\necho "${tool} $*" >> '${calls}'\nexit 1\n`);
  chmodSync(script, 0o755);
}
const env = { ...state.env, PATH: `${fakeBin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
const runsSeen: string[] = [];

test.after.always(() => {
  for (const run of runsSeen) removeRunNamespaces(run);
  state.remove();
});

const BASE = [
  'name: bad',
  'underlay:',
  '  cidr: 172.16.1.0/24',
  'flannel:',
  '  network: 10.244.0.0/16',
  '  vni: 1',
  '  learning: false',
  '  bridged: false',
  'nodes:',
].join('\n');

const CASES = [
  {
    title: 'overlapping podCIDR',
    yaml: `${BASE}\n  - name: a\n    podCidr: 10.244.0.0/24\n  - name: b\n    podCidr: 10.244.0.128/25\n`,
    where: 'bad-overlap.yaml:13: nodes[1].podCidr: ',
    message: /overlaps the podCIDR 10\.244\.0\.0\/24 of nodes\[0\] \(a\)/,
  },
  {
    title: 'unknown field',
    yaml: `${BASE}\n  - name: a\n    colour: red\n`,
    where: 'bad-unknown.yaml:11: nodes[0].colour: ',
    message: /unknown field "colour"; allowed here: name, role, underlayIp, podCidr, vtepMac, pods/,
  },
  {
    title: 'node named a;rm -rf /',
    yaml: `${BASE}\n  - name: "a;rm -rf /"\n`,
    where: 'bad-name.yaml:10: nodes[0].name: ',
    message: /"a;rm -rf \/" is not allowed: expected lower-case letters/,
  },
];

// What the BIG-IP device cannot honour is refused like any other bad field: named, with the device.
const FAILOVER = readFileSync(join(PROJECT_ROOT, 'scenarios', 'failover.yaml'), 'utf8');
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const TG_NONE = FAILOVER.replace('trafficGroup: traffic-group-local-only', 'trafficGroup: none');
const SYNC_ON = FAILOVER.replace('configsync: false', 'configsync: true');
CASES.push(
  {
    title: 'tunnel traffic group none on the stand-in',
    yaml: TG_NONE,
    where: `bad-tg-none.yaml:${lineOf(TG_NONE, 'trafficGroup: none')}: bigip.tunnel.trafficGroup: `,
    message: /none cannot be honoured by the BIG-IP device sim/,
  },
  {
    title: 'iptunnel.configsync on the stand-in',
    yaml: SYNC_ON,
    where: `bad-configsync.yaml:${lineOf(SYNC_ON, 'configsync: true')}: bigip.configsync: `,
    message: /cannot be honoured by the BIG-IP device sim/,
  },
);
const FILES = ['bad-overlap.yaml', 'bad-unknown.yaml', 'bad-name.yaml', 'bad-tg-none.yaml', 'bad-configsync.yaml'];

function nothingCreated(t: import('ava').ExecutionContext, what: string): void {
  t.false(existsSync(calls), `${what}: no tool was run, yet: ${existsSync(calls) ? readFileSync(calls, 'utf8') : ''}`);
  const runDirs = existsSync(state.reportsDir) ? readdirSync(state.reportsDir) : [];
  t.deepEqual(runDirs, [], `${what}: no run directory in OVERLAB_REPORTS_DIR`);
  const records = existsSync(state.stateDir) ? readdirSync(state.stateDir) : [];
  t.deepEqual(records, [], `${what}: no run registered in OVERLAB_STATE_DIR`);
}

CASES.forEach((c, i) => {
  rootTest(
    `bad input (${c.title}): exit 2, the field is named, nothing is created`,
    async (t) => {
      const file = join(state.root, FILES[i]!);
      writeFileSync(file, c.yaml);
      for (const command of ['scenario', 'up']) {
        const r = await cli([command, file], { env });
        t.is(r.code, 2, `overlab ${command}: ${r.stdout}${r.stderr}`);
        t.true(r.stderr.startsWith(`overlab: ${file.replace(FILES[i]!, '')}${c.where}`), `overlab ${command} stderr: ${r.stderr}`);
        t.regex(r.stderr, c.message);
        t.false(/unexpected error|\bat .+\.js:\d+/.test(r.stderr), 'a message, not a stack trace');
        nothingCreated(t, `overlab ${command}`);
      }
    },
    { serial: true },
  );
});

rootTest(
  'control: with a valid file the same fake tools are reached (so the checks above can see a create)',
  async (t) => {
    const file = join(state.root, 'good.yaml');
    writeFileSync(file, `${BASE}\n  - name: a\n  - name: b\n`);
    const r = await cli(['scenario', file], { env });
    const runId = /; run ([0-9a-f]{6})\b/.exec(r.stdout)?.[1];
    if (runId) runsSeen.push(runId);
    t.is(r.code, 2, 'the fake ip fails, so the harness cannot run');
    t.true(existsSync(calls), 'the fake tools recorded calls');
    t.regex(readFileSync(calls, 'utf8'), /^ip -batch -/m, 'the first create is `ip -batch -` (netns add)');
  },
  { serial: true },
);

test('every case is distinct', (t) => {
  t.is(new Set(CASES.map((c) => c.where)).size, CASES.length);
});
