// The iproute2/bridge builders: exact argv (the words after `ip` / `bridge`), so every device
// name follows its keyword and nothing is ever parsed by a shell. No root needed.
import test from 'ava';
import { bridge, ip, type VxlanDevice } from '../../harness/devices/linux/commands.js';

const vtep: VxlanDevice = { name: 'flannel.1', vni: 1, port: 8472, local: '172.16.1.100', dev: 'eth0', learning: false, mtu: 1450, mac: '02:0f:ac:10:01:64' };

test('vxlan, nolearning, bound to the underlay device (flannel.1 as flanneld makes it)', (t) => {
  t.deepEqual(ip.addVxlan(vtep), [
    'link', 'add', 'name', 'flannel.1', 'address', '02:0f:ac:10:01:64', 'mtu', '1450', 'type', 'vxlan',
    'id', '1', 'dstport', '8472', 'local', '172.16.1.100', 'dev', 'eth0', 'nolearning',
  ]);
});

test('vxlan, learning, VNI 0 (the field report\'s flannel.0)', (t) => {
  t.deepEqual(ip.addVxlan({ ...vtep, name: 'flannel.0', vni: 0, learning: true }), [
    'link', 'add', 'name', 'flannel.0', 'address', '02:0f:ac:10:01:64', 'mtu', '1450', 'type', 'vxlan',
    'id', '0', 'dstport', '8472', 'local', '172.16.1.100', 'dev', 'eth0', 'learning',
  ]);
});

test('vxlan without dev (an overlay MTU above the underlay MTU - 50)', (t) => {
  const argv = ip.addVxlan({ ...vtep, dev: undefined, mtu: 1500 });
  t.deepEqual(argv, [
    'link', 'add', 'name', 'flannel.1', 'address', '02:0f:ac:10:01:64', 'mtu', '1500', 'type', 'vxlan',
    'id', '1', 'dstport', '8472', 'local', '172.16.1.100', 'nolearning',
  ]);
  t.false(argv.includes('dev'));
});

test('veth pair created straight into two namespaces', (t) => {
  t.deepEqual(
    ip.addVethPair({ name: 'swp0', mac: '02:02:ac:10:01:64', mtu: 1500, netns: 'ol-abc123' }, { name: 'eth0', mac: '02:01:ac:10:01:64', mtu: 1500, netns: 'ol-abc123.master' }),
    [
      'link', 'add', 'name', 'swp0', 'address', '02:02:ac:10:01:64', 'mtu', '1500', 'netns', 'ol-abc123',
      'type', 'veth', 'peer', 'name', 'eth0', 'address', '02:01:ac:10:01:64', 'mtu', '1500', 'netns', 'ol-abc123.master',
    ],
  );
});

test('veth pair without namespaces stays where it is made', (t) => {
  t.deepEqual(ip.addVethPair({ name: 'va', mac: '02:00:00:00:00:04', mtu: 1500 }, { name: 'vb', mac: '02:00:00:00:00:05', mtu: 9000 }), [
    'link', 'add', 'name', 'va', 'address', '02:00:00:00:00:04', 'mtu', '1500', 'type', 'veth', 'peer', 'name', 'vb', 'address', '02:00:00:00:00:05', 'mtu', '9000',
  ]);
});

test('FDB entries: a VTEP entry, a flood entry, a static bridge entry, a delete', (t) => {
  t.deepEqual(bridge.fdbVtep('02:0f:ac:10:01:65', 'flannel.1', '172.16.1.101'), ['fdb', 'replace', '02:0f:ac:10:01:65', 'dev', 'flannel.1', 'dst', '172.16.1.101', 'self', 'permanent']);
  t.deepEqual(bridge.fdbFlood('flannel.0', '172.16.1.101'), ['fdb', 'append', '00:00:00:00:00:00', 'dev', 'flannel.0', 'dst', '172.16.1.101', 'self', 'permanent']);
  t.deepEqual(bridge.fdbStatic('02:01:ac:10:01:64', 'swp0'), ['fdb', 'replace', '02:01:ac:10:01:64', 'dev', 'swp0', 'master', 'static']);
  t.deepEqual(bridge.fdbDel('02:0f:ac:10:01:65', 'flannel.1', '172.16.1.101'), ['fdb', 'del', '02:0f:ac:10:01:65', 'dev', 'flannel.1', 'dst', '172.16.1.101', 'self']);
  t.deepEqual(bridge.fdbDel('02:0f:ac:10:01:65', 'flannel.1'), ['fdb', 'del', '02:0f:ac:10:01:65', 'dev', 'flannel.1', 'self']);
});

test('neighbours, routes and addresses', (t) => {
  t.deepEqual(ip.neighPermanent('10.244.1.0', '02:0f:ac:10:01:65', 'flannel.1'), ['neigh', 'replace', '10.244.1.0', 'lladdr', '02:0f:ac:10:01:65', 'dev', 'flannel.1', 'nud', 'permanent']);
  t.deepEqual(ip.neighDel('10.244.1.0', 'flannel.1'), ['neigh', 'del', '10.244.1.0', 'dev', 'flannel.1']);
  t.deepEqual(ip.routeReplace('10.244.1.0/24', '10.244.1.0', 'flannel.1', true), ['route', 'replace', '10.244.1.0/24', 'via', '10.244.1.0', 'dev', 'flannel.1', 'onlink']);
  t.deepEqual(ip.routeAdd('10.244.0.0/16', '10.244.0.1', 'eth0'), ['route', 'add', '10.244.0.0/16', 'via', '10.244.0.1', 'dev', 'eth0']);
  t.deepEqual(ip.addrAdd('10.244.0.0/32', 'flannel.1'), ['addr', 'add', '10.244.0.0/32', 'dev', 'flannel.1']);
  t.deepEqual(ip.addrDel('10.244.0.0/32', 'flannel.1'), ['addr', 'del', '10.244.0.0/32', 'dev', 'flannel.1']);
});

test('links: bridge, up/down, master, mtu, IPv6 address generation off, dummy', (t) => {
  t.deepEqual(ip.addBridge('cni0', '0a:58:0a:f4:00:01', 1450), ['link', 'add', 'name', 'cni0', 'address', '0a:58:0a:f4:00:01', 'mtu', '1450', 'type', 'bridge', 'mcast_snooping', '0']);
  t.deepEqual(ip.linkUp('cni0'), ['link', 'set', 'dev', 'cni0', 'up']);
  t.deepEqual(ip.linkDown('cni0'), ['link', 'set', 'dev', 'cni0', 'down']);
  t.deepEqual(ip.linkMaster('flannel.0', 'cni0'), ['link', 'set', 'dev', 'flannel.0', 'master', 'cni0']);
  t.deepEqual(ip.linkNoMaster('flannel.0'), ['link', 'set', 'dev', 'flannel.0', 'nomaster']);
  t.deepEqual(ip.linkMtu('eth0', 9000), ['link', 'set', 'dev', 'eth0', 'mtu', '9000']);
  t.deepEqual(ip.addrGenNone('eth0'), ['link', 'set', 'dev', 'eth0', 'addrgenmode', 'none']);
  t.deepEqual(ip.addDummy('d0', '02:00:00:00:00:09'), ['link', 'add', 'name', 'd0', 'address', '02:00:00:00:00:09', 'type', 'dummy']);
  t.deepEqual(ip.netnsAdd('ol-abc123'), ['netns', 'add', 'ol-abc123']);
  t.deepEqual(ip.netnsDel('ol-abc123'), ['netns', 'del', 'ol-abc123']);
});

test('a device named like an iproute2 keyword stays a name: it always follows `name` or `dev`', (t) => {
  // `ip link set br up` would read "br" as "broadcast" (design.md §5); `dev br` cannot.
  t.deepEqual(ip.linkUp('br'), ['link', 'set', 'dev', 'br', 'up']);
  t.deepEqual(ip.addBridge('br', '02:00:00:00:00:01', 1500).slice(0, 4), ['link', 'add', 'name', 'br']);
});

test('every word is its own argv element: nothing needs a shell', (t) => {
  const lines = [
    ip.addVxlan(vtep),
    ip.addVethPair({ name: 'a', mac: '02:00:00:00:00:01', mtu: 1500, netns: 'ol-x.y' }, { name: 'b', mac: '02:00:00:00:00:02', mtu: 1500, netns: 'ol-x' }),
    bridge.fdbVtep('02:0f:ac:10:01:65', 'flannel.1', '172.16.1.101'),
  ];
  for (const line of lines) for (const word of line) t.regex(word, /^[^\s;&|$`'"\\]+$/, `"${word}" in ${line.join(' ')}`);
});
