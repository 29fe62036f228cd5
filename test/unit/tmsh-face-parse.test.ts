// The tmsh face's command line: the words (`{ }` blocks, `;`), every command of the contract's
// subset as typed data, `/Common/` names and `%0` addresses, and for anything outside the subset
// an error that names the command and says what is accepted. No root needed.
import test from 'ava';
import { parseCommands } from '../../harness/devices/bigip/tmsh-face/parse.js';
import { group } from '../../harness/devices/bigip/tmsh-face/session.js';
import { tokenise } from '../../harness/devices/bigip/tmsh-face/tokens.js';
import { commandText } from '../../harness/devices/bigip/tmsh-face/main-args.js';
import { TmshFaceError } from '../../harness/devices/bigip/tmsh-face/errors.js';
import { BIGIP1, configureCommands, teardownCommands, transaction } from '../helpers/tmsh-contract.js';

const refused = (t: import('ava').ExecutionContext, text: string, ...parts: (string | RegExp)[]) => {
  const e = t.throws(() => group(parseCommands(text)), { instanceOf: TmshFaceError }, text);
  for (const p of parts) t.true(typeof p === 'string' ? e!.message.includes(p) : p.test(e!.message), `${text}\n  -> ${e!.message}\n  should say ${p}`);
  t.is(e!.exitCode, 1);
};

test('words: blocks nest, ";" separates commands outside blocks, blank commands are skipped', (t) => {
  t.deepEqual(tokenise('create a {b{ c } };;  show x ;'), [
    { text: 'create a {b{ c } }', items: ['create', 'a', { block: ['b', { block: ['c'] }] }] },
    { text: 'show x', items: ['show', 'x'] },
  ]);
  t.throws(() => tokenise('a { b'), { message: /1 unclosed "\{"/ });
  t.throws(() => tokenise('a } b'), { message: /"}" without a matching "\{" at character 3/ });
  t.throws(() => tokenise('a { b; c }'), { message: /";" inside a \{ \} block/ });
  t.throws(() => tokenise('create net self "x y"'), { message: /quoting \("\) is not part of the subset/ });
});

test("the contract's configure transaction parses into typed changes", (t) => {
  const commands = parseCommands(transaction(configureCommands(BIGIP1)));
  t.is(commands.length, 15);
  t.like(commands[0], { kind: 'begin' });
  t.like(commands[14], { kind: 'submit' });
  const changes = commands.slice(1, 14).map((c) => (c.kind === 'change' ? c.command : undefined));
  t.deepEqual(changes[0], { change: 'create', object: { type: 'vlan', name: 'ol_ab12_underlay', interface: '1.1', mtu: 1500 } });
  t.deepEqual(changes[2], {
    change: 'create',
    object: { type: 'self', name: 'ol_ab12_self_underlay', address: '10.169.72.36/16', vlan: 'ol_ab12_underlay', trafficGroup: 'traffic-group-local-only', allowService: 'default' },
  });
  t.deepEqual(changes[4], { change: 'create', object: { type: 'vxlan', name: 'ol_ab12_fl-vxlan', port: 8472, floodingType: 'multipoint' } });
  t.deepEqual(changes[5], {
    change: 'create',
    object: { type: 'tunnel', name: 'ol_ab12_flannel_vxlan', key: 0, profile: 'ol_ab12_fl-vxlan', localAddress: '10.169.72.36', trafficGroup: 'traffic-group-local-only', mtu: 1450 },
  });
  t.deepEqual(changes[8], {
    change: 'fdb-add',
    tunnel: 'ol_ab12_flannel_vxlan',
    records: [
      { mac: '0a:58:0a:d9:00:01', endpoint: '10.169.72.127' },
      { mac: '0a:58:0a:d9:01:01', endpoint: '10.169.72.128' },
    ],
  });
  t.deepEqual(changes[9], { change: 'create', object: { type: 'arp', name: 'ol_ab12_arp_10.217.0.22', ip: '10.217.0.22', mac: '0a:58:0a:d9:00:01' } });
  t.deepEqual(changes[10], { change: 'create', object: { type: 'pool', name: 'ol_ab12_pool_vs-nginx', members: ['10.217.0.22', '10.217.1.30'] } });
  t.deepEqual(changes[12], {
    change: 'create',
    // No traffic-group on ltm virtual (a VE has none there): its virtual address is traffic-group-1's.
    object: { type: 'virtual', name: 'ol_ab12_vs-nginx_udp', destination: '10.1.10.100', port: 7, protocol: 'udp', pool: 'ol_ab12_pool_vs-nginx', snat: 'automap', trafficGroup: 'traffic-group-1' },
  });
  const units = group(commands);
  t.is(units.length, 1);
  t.like(units[0], { kind: 'changes' });
});

test("the contract's teardown, reads and act commands parse", (t) => {
  const teardown = parseCommands(teardownCommands().join('; ')).map((c) => (c.kind === 'change' ? c.command : c.kind));
  t.deepEqual(teardown[0], { change: 'delete', type: 'virtual', name: 'ol_ab12_vs-nginx_tcp' });
  t.deepEqual(teardown[4], { change: 'fdb-delete-all', tunnel: 'ol_ab12_flannel_vxlan' });
  t.deepEqual(teardown[8], { change: 'delete', type: 'vxlan', name: 'ol_ab12_fl-vxlan' });
  const reads = parseCommands(
    'show cm failover-status; show net fdb tunnel /Common/ol_ab12_flannel_vxlan; show net arp; show net tunnels tunnel ol_ab12_flannel_vxlan all-properties; list net tunnels tunnel ol_ab12_flannel_vxlan; list net self; list net vlan',
  ).map((c) => (c.kind === 'read' ? c.command : c.kind));
  t.deepEqual(reads, [
    { read: 'failover-status' },
    { read: 'fdb', tunnel: 'ol_ab12_flannel_vxlan' },
    { read: 'arp' },
    { read: 'tunnel', tunnel: 'ol_ab12_flannel_vxlan' },
    { read: 'list-tunnel', tunnel: 'ol_ab12_flannel_vxlan' },
    { read: 'list-self' },
    { read: 'list-vlan' },
  ]);
  t.like(parseCommands('run sys failover standby')[0], { kind: 'failover-standby' });
  t.like(parseCommands('modify net tunnels tunnel ol_ab12_flannel_vxlan key 1')[0], { kind: 'change', command: { change: 'tunnel-key', tunnel: 'ol_ab12_flannel_vxlan', key: 1 } });
});

test('/Common/ names, %0 addresses, properties in any order, defaults', (t) => {
  const [c] = parseCommands('create net self /Common/s1 vlan /Common/v1 address 10.0.0.1%0/24');
  t.like(c, { kind: 'change', command: { change: 'create', object: { type: 'self', name: 's1', vlan: 'v1', address: '10.0.0.1/24', trafficGroup: 'traffic-group-local-only', allowService: 'none' } } });
  const [v] = parseCommands('create ltm virtual vs pool /Common/p ip-protocol tcp destination 10.1.10.100%0:80 traffic-group /Common/traffic-group-1');
  t.like(v, { kind: 'change', command: { change: 'create', object: { destination: '10.1.10.100', port: 80, pool: 'p', snat: 'none' } } });
  const [m] = parseCommands('create ltm pool p members add { 10.217.0.22%0:any 10.217.1.30:0 }');
  t.like(m, { kind: 'change', command: { change: 'create', object: { members: ['10.217.0.22', '10.217.1.30'] } } });
  const [r] = parseCommands('modify net fdb tunnel t records add { A:58:A:D9:0:16 { endpoint 10.169.72.127%0 } }');
  t.like(r, { kind: 'change', command: { records: [{ mac: '0a:58:0a:d9:00:16', endpoint: '10.169.72.127' }] } });
});

test('show net fdb without a tunnel reads every tunnel\'s records', (t) => {
  t.deepEqual(parseCommands('show net fdb').map((c) => (c.kind === 'read' ? c.command : c.kind)), [{ read: 'fdb' }]);
});

test('commands outside the subset: the command named, what is accepted said', (t) => {
  refused(t, 'create net route r1 gw 10.0.0.1', '"create net route r1 gw 10.0.0.1": "net route" is not an object type this unit has', 'accepted: net vlan, net self, net tunnels vxlan');
  refused(t, 'save sys config', '"save sys config": not a command this unit accepts', 'run sys failover standby', 'list net vlan');
  refused(t, 'show net route', 'not a read this unit answers', 'show cm failover-status');
  refused(t, 'show net fdb vlan v1', 'not a read this unit answers', 'show net fdb tunnel <tunnel>', 'show net fdb;');
  refused(t, 'create net vlan v1 interfaces add { 1.1 } tag 169', '"create net vlan v1', '"tag" is not a property this unit accepts here; accepted: interfaces add { <interface> }, mtu <576-9198>');
  refused(t, 'create net vlan v1 interfaces add { 1.1 1.2 }', 'interfaces: this unit\'s VLANs are untagged on exactly one interface, found 2');
  refused(t, 'create net vlan v1 mtu 1500', 'missing "interfaces add { <interface> }"');
  refused(t, 'create net tunnels tunnel t key 0 profile p local-address 10.169.72.36', 'missing "traffic-group traffic-group-local-only|traffic-group-1"');
  refused(t, 'create net tunnels tunnel t key 0 profile p local-address 10.169.72.36 traffic-group none', 'traffic-group: "none" is not one of traffic-group-local-only, traffic-group-1');
  refused(t, 'create net tunnels tunnel t key 0 profile p local-address 10.169.72.36 traffic-group traffic-group-1 mac 02:00:00:00:00:01', '"mac" is not a property this unit accepts here');
  refused(t, 'create net self s address 10.0.0.1%2/24 vlan v', 'only route domain 0 exists on this unit');
  refused(t, 'create net self s address 10.0.0.1 vlan v', 'address: "10.0.0.1" is not an address with a prefix length');
  refused(t, 'create net self /Other/s address 10.0.0.1/24 vlan v', 'only the /Common partition exists');
  refused(t, 'create net self s address 10.0.0.1/24 vlan v vlan w', '"vlan" is given twice');
  refused(t, 'create ltm pool p members add { 10.217.0.22:80 }', 'a member\'s port must be "any"');
  refused(t, 'create ltm virtual vs destination 10.1.10.100:80 ip-protocol sctp pool p', 'ip-protocol: "sctp" is not one of tcp, udp');
  refused(t, 'create ltm virtual vs destination 10.1.10.100:80 ip-protocol tcp pool p source-address-translation { type snat }', '"snat" is not one of automap, none');
  refused(t, 'create ltm virtual vs destination 10.1.10.100:80 ip-protocol tcp pool p traffic-group traffic-group-local-only', '"traffic-group-local-only" is not one of traffic-group-1');
  refused(t, 'modify net fdb tunnel t records delete { 0a:58:0a:d9:00:16 }', 'records delete { all }');
  refused(t, 'modify net fdb tunnel t records add { 0a:58:0a:d9:00:16 { endpoint 10.0.0.1 } 0a:58:0a:d9:00:16 { endpoint 10.0.0.2 } }', '0a:58:0a:d9:00:16 is given twice');
  refused(t, 'modify net fdb tunnel t records replace-all-with { }', 'records: expected "add" or "delete"');
  refused(t, 'modify net tunnels tunnel t mtu 1400', '"key <n>" (the only property this unit modifies on a tunnel)');
  refused(t, 'delete net vlan v1 extra', 'expected nothing after the name');
});

test('transactions: closed, not nested, only changes inside; nothing runs when any command is refused', (t) => {
  refused(t, 'create cli transaction; create net vxlan p', 'is not an object type');
  refused(t, 'create cli transaction; create net tunnels vxlan p', 'never submitted', 'nothing was applied');
  refused(t, 'submit cli transaction', 'no cli transaction is open');
  refused(t, 'create cli transaction; create cli transaction', 'already open');
  refused(t, 'create cli transaction; show net arp; submit cli transaction', 'only create, modify and delete commands go inside a cli transaction');
  // A bad command anywhere (here after a good transaction) refuses the whole -c before anything runs.
  refused(t, `${transaction(['create net tunnels vxlan p'])}; show net bogus`, 'show net bogus');
  const units = group(parseCommands('create net tunnels vxlan a; create net tunnels vxlan b; show net arp'));
  t.deepEqual(units.map((u) => u.kind), ['changes', 'changes', 'read'], 'a change outside a transaction is its own');
});

test('argv: -q -c, bare words, hbd, and usage errors', (t) => {
  t.is(commandText(['-q', '-c', 'show net arp; list net self']), 'show net arp; list net self');
  t.is(commandText(['show', 'net', 'arp']), 'show net arp');
  t.is(commandText(['hbd']), undefined);
  t.throws(() => commandText(['-q', '-c']), { message: /-c takes exactly one argument/ });
  t.throws(() => commandText(['-x', 'show']), { message: /unknown option -x/ });
  t.throws(() => commandText([]), { message: /no command given[\s\S]*usage: tmsh/ });
});
