// `overlab inspect --output json`: one host's interfaces from `ip -j -d addr show`, the committed
// schema is what inspect-schema.ts generates, and ajv tells a good document from broken ones.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { hostView } from '../../harness/scenario/inspect.js';
import { inspectSchemaText, type InspectView } from '../../harness/scenario/inspect-schema.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SCHEMA_FILE = join(ROOT, 'harness', 'scenario', 'inspect.schema.json');

// What `ip -j -d addr show` prints in a node of the failover scenario (trimmed to the fields read).
const NODE = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, operstate: 'UNKNOWN', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }] },
  { ifindex: 2, ifname: 'eth0', flags: ['BROADCAST', 'UP'], mtu: 1500, operstate: 'UP', address: '02:01:0a:a9:48:7f', linkinfo: { info_kind: 'veth' }, addr_info: [{ family: 'inet', local: '10.169.72.127', prefixlen: 16, scope: 'global' }] },
  { ifindex: 4, ifname: 'flannel.0', flags: ['BROADCAST', 'UP'], mtu: 1450, operstate: 'UNKNOWN', address: '02:0F:0A:A9:48:7F', master: 'cni0', linkinfo: { info_kind: 'vxlan', info_data: { id: 0, local: '10.169.72.127', port: 8472, learning: true } }, addr_info: [{ family: 'inet', local: '10.217.0.0', prefixlen: 32, scope: 'global' }] },
  { ifindex: 5, ifname: 'cni0', flags: ['BROADCAST'], mtu: 1450, operstate: 'DOWN', address: '0a:58:0a:d9:00:01', linkinfo: { info_kind: 'bridge' }, addr_info: [] },
]);

test('hostView: every interface with its MAC (lower-case), MTU, addresses, bridge and VXLAN details', (t) => {
  const h = hostView('master', 'node', 'ol-ab12cd.master', NODE);
  t.is(h.interfaces.length, 4);
  t.deepEqual(h.interfaces[1], { name: 'eth0', mac: '02:01:0a:a9:48:7f', mtu: 1500, up: true, kind: 'veth', addresses: ['10.169.72.127/16'] });
  t.deepEqual(h.interfaces[2], { name: 'flannel.0', mac: '02:0f:0a:a9:48:7f', mtu: 1450, up: true, kind: 'vxlan', master: 'cni0', addresses: ['10.217.0.0/32'], vxlan: { vni: 0, port: 8472, learning: true, local: '10.169.72.127' } });
  t.false(h.interfaces[3]!.up);
  t.deepEqual(h.interfaces[3]!.addresses, []);
});

test('hostView: output that is not ip -j names the command', (t) => {
  t.throws(() => hostView('master', 'node', 'x', 'Device "eth0" does not exist.'), { message: /ip -j -d addr show/ });
});

test('the committed inspect.schema.json is what inspect-schema.ts generates (rewrite: node dist/harness/scenario/inspect-schema.js)', (t) => {
  t.is(readFileSync(SCHEMA_FILE, 'utf8'), inspectSchemaText());
});

const good = (): InspectView => ({
  schemaVersion: 1,
  runId: 'ab12cd',
  scenario: 'failover',
  provider: 'netns',
  runDir: '/tmp/r/failover/ab12cd',
  hosts: [hostView('master', 'node', 'ol-ab12cd.master', NODE)],
  vteps: [{ host: 'master', device: 'flannel.0', vni: 0, mac: '02:0f:0a:a9:48:7f', local: '10.169.72.127', port: 8472 }],
  units: [
    { name: 'bigip1', failoverStatus: 'STANDBY' },
    { name: 'bigip2', failoverStatus: 'ACTIVE' },
  ],
  activeUnit: 'bigip2',
});

test('ajv: a good document validates; a missing active unit, a bad MAC, an unknown status or field do not', (t) => {
  const ajv = new AjvModule.default({ allErrors: true, strict: true });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>);
  t.true(validate(good()), JSON.stringify(validate.errors));
  t.true(validate({ ...good(), activeUnit: null }), 'null: no unit (or both) says ACTIVE');
  const bad: [string, unknown][] = [
    ['no activeUnit', (({ activeUnit: _, ...rest }) => rest)(good())],
    ['upper-case MAC', { ...good(), vteps: [{ ...good().vteps[0]!, mac: '02:0F:0A:A9:48:7F' }] }],
    ['status', { ...good(), units: [{ name: 'bigip1', failoverStatus: 'active' }] }],
    ['unknown field', { ...good(), extra: 1 }],
    ['host kind', { ...good(), hosts: [{ ...good().hosts[0]!, kind: 'vm' }] }],
  ];
  for (const [what, doc] of bad) t.false(validate(doc), what);
});
