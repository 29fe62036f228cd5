// The SSH layer's pure parts: quoting argv for a remote shell (checked against a real sh),
// known_hosts matching (plain, [host]:port, patterns, negation, hashed, revoked), the ssh
// provider's undo classification and the inventory's validation.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { commandLine, shellQuote } from '../../harness/ssh/quote.js';
import { blobType, judgeHostKey, knownHostName, parseKnownHosts, preferredHostKeyAlgorithms } from '../../harness/ssh/known-hosts.js';
import { classifyBridge, classifyIp, rulesetTables } from '../../harness/providers/ssh/undo.js';
import { parseInventory } from '../../harness/providers/ssh/inventory.js';
import { SpecError } from '../../harness/core/errors.js';

const WORDS = ['plain', '', ' ', "it's", '"double"', '$HOME', '`id`', '$(id)', 'a;b', 'a&&b', '*', '?', '~', '\\', 'new\nline', '\t', '!', '#x', "''", 'ünïcødé', '--', '-n'];

test('every word survives a real sh exactly', (t) => {
  // sh prints each of its arguments NUL-terminated: what arrives is what was sent.
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${commandLine(WORDS)}`]).toString();
  t.deepEqual(out.split('\0').slice(0, -1), WORDS);
});

test('plain words stay readable; a NUL and an empty argv are refused', (t) => {
  t.is(shellQuote('10.169.72.127/16'), '10.169.72.127/16');
  t.is(shellQuote('a b'), "'a b'");
  t.is(shellQuote("a'b"), `'a'\\''b'`);
  t.throws(() => shellQuote('a\0b'), { message: /NUL/ });
  t.throws(() => commandLine([]), { message: /empty argv/ });
});

const key = (type: string) => {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, randomBytes(32)]);
};

test('known_hosts: names, ports, patterns, negations, hashes, revoked', (t) => {
  const a = key('ssh-ed25519');
  const b = key('ssh-ed25519');
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[10.0.0.9]:2222').digest('base64')}`;
  const text = [
    '# comment',
    `10.0.0.1,node1 ssh-ed25519 ${a.toString('base64')}`,
    `[10.0.0.2]:2222 ssh-ed25519 ${a.toString('base64')}`,
    `10.0.1.*,!10.0.1.5 ssh-ed25519 ${a.toString('base64')}`,
    `${hashed} ssh-ed25519 ${b.toString('base64')}`,
    `@revoked 10.0.0.3 ssh-ed25519 ${b.toString('base64')}`,
    'garbage line',
  ].join('\n');
  const lines = parseKnownHosts(text);
  t.is(lines.length, 5);
  t.is(knownHostName('10.0.0.2', 2222), '[10.0.0.2]:2222');
  t.is(judgeHostKey(lines, '10.0.0.1', a).verdict, 'known');
  t.is(judgeHostKey(lines, 'node1', a).verdict, 'known');
  t.is(judgeHostKey(lines, '10.0.0.1', b).verdict, 'mismatch');
  t.is(judgeHostKey(lines, '10.0.0.2', a).verdict, 'unknown', 'port 22 is another name than [..]:2222');
  t.is(judgeHostKey(lines, '[10.0.0.2]:2222', a).verdict, 'known');
  t.is(judgeHostKey(lines, '10.0.1.7', a).verdict, 'known');
  t.is(judgeHostKey(lines, '10.0.1.5', a).verdict, 'unknown', 'negated');
  t.is(judgeHostKey(lines, '[10.0.0.9]:2222', b).verdict, 'known', 'hashed');
  t.is(judgeHostKey(lines, '10.0.0.3', b).verdict, 'revoked');
  t.is(blobType(a), 'ssh-ed25519');
  t.deepEqual(preferredHostKeyAlgorithms(parseKnownHosts(`h ssh-rsa ${key('ssh-rsa').toString('base64')}`), 'h', ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
});

test('undo: what the run makes on a machine is undone; the machine\'s own interfaces are left alone', (t) => {
  const existing = new Set(['lo', 'eth0']);
  const ours = new Set<string>();
  const addrs = new Set(['eth0 10.169.72.127']);
  const c = (l: string) => classifyIp(l.split(' '), existing, ours, addrs);
  t.deepEqual(c('link set dev eth0 up'), { send: false });
  t.deepEqual(c('link set dev eth0 addrgenmode none'), { send: false });
  t.deepEqual(c('addr add 10.169.72.127/16 dev eth0'), { send: false }, 'already its address');
  t.deepEqual(c('neigh replace 10.169.72.128 lladdr 02:01:0a:a9:48:80 dev eth0 nud permanent'), { send: false }, 'the real network resolves it');
  const add = c('link add name flannel.0 address 02:0f:0a:a9:48:7f mtu 1450 type vxlan id 0 dstport 8472 local 10.169.72.127 dev eth0 learning');
  t.is(add.creates, 'flannel.0');
  t.regex(add.undo!.argv.join(' '), /ip link del flannel\.0/);
  ours.add('flannel.0');
  t.deepEqual(c('addr add 10.217.0.0/32 dev flannel.0'), { send: true }, 'goes with the device');
  t.regex(c('addr replace 10.1.10.100/32 dev eth0').undo!.argv.join(' '), /ip addr del 10\.1\.10\.100\/32 dev eth0/);
  t.regex(c('route add 10.217.0.0/16 via 10.1.10.36 dev eth0').undo!.argv.join(' '), /ip route del 10\.217\.0\.0\/16 dev eth0/);
  t.regex(c('netns add ol-r.master.nginx').undo!.argv.join(' '), /ip netns pids .*ip netns del/);
  t.deepEqual(c('-j link show'.replace('-j ', '')), { send: true });
  t.throws(() => c('link add name eth0 type dummy'), { message: /already has a device named eth0/ });
  t.throws(() => c('tunnel add gre1 mode gre'), { message: /does not know how to undo/ });
  t.deepEqual(classifyBridge('fdb append 00:00:00:00:00:00 dev flannel.0 dst 10.169.72.36 self permanent'.split(' '), existing), { send: true });
  t.regex(classifyBridge('fdb replace 02:00:00:00:00:09 dev eth0 master static'.split(' '), existing).undo!.argv.join(' '), /bridge fdb del 02:00:00:00:00:09 dev eth0 master/);
  t.deepEqual(rulesetTables('table ip overlab_unit {\n}\n  table inet x_y {\n}'), [{ family: 'ip', name: 'overlab_unit' }, { family: 'inet', name: 'x_y' }]);
});

test('inventory: defaults, relative paths, %h/%p, and errors with file, line and field', (t) => {
  const inv = parseInventory(['knownHosts: kh', 'defaults: { key: id, port: 2200 }', 'hosts:', '  master:', '    address: 10.3.72.10', '    proxyCommand: [nc, "%h", "%p"]', '    underlay: { interface: eth0, address: 10.169.72.127 }'].join('\n'), '/etc/overlab/inv.yaml');
  const m = inv.hosts.master!;
  t.is(m.target.knownHosts, '/etc/overlab/kh');
  t.is(m.target.privateKey, '/etc/overlab/id');
  t.deepEqual(m.target.proxyCommand, ['nc', '10.3.72.10', '2200']);
  t.is(m.target.user, 'root');
  const e = t.throws(() => parseInventory(['hosts:', '  master:', '    address: "a;b"', '    port: 70000', '    colour: red'].join('\n'), 'inv.yaml'), { instanceOf: SpecError });
  t.regex(e!.message, /inv\.yaml:3: hosts\.master\.address: "a;b" is not a host name or address|inv\.yaml:\d+: hosts\.master/);
  t.regex(e!.message, /port/);
  t.regex(e!.message, /colour/);
});
