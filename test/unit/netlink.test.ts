// The rtnetlink encoding behind the netns provider's in-process configuration, checked without
// root: every line the shipped scenarios plan translates, lines outside the subset are refused
// (they go to iproute2), and the bytes decode back to what the line says. That the kernel ends
// up in the same state as with iproute2 is test/integration/netlink-config.test.ts.
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { planScenario } from '../../harness/plan/plan.js';
import { renderHostConfig } from '../../harness/plan/host-actions.js';
import { loadScenarioFile } from '../../harness/spec/load.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';
import { generatedSpec } from '../../bench/topology.js';
import * as C from '../../harness/netlink/constants.js';
import { netnsAddon } from '../../harness/netlink/addon.js';
import { attributes, BodyWriter, parseReplies } from '../../harness/netlink/message.js';
import { resolveLinks, translateBridge, translateIp, Untranslatable, type Translated } from '../../harness/netlink/translate.js';

const attrs = (buf: Buffer): Map<number, Buffer> => new Map(attributes(buf));
const indexes = (t: Translated, map: Record<string, number>) => resolveLinks(t, { ifindex: (name) => map[name] ?? 0 });

test('every ip and bridge line of every shipped scenario and of the 50x4 bench topology translates', (t) => {
  const specs = readdirSync(SCENARIOS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => loadScenarioFile(join(SCENARIOS_DIR, f)));
  let lines = 0;
  for (const spec of [...specs, generatedSpec()]) {
    for (const step of planScenario(spec).steps) {
      if (step.action.type !== 'host-config') continue;
      for (const a of renderHostConfig(step.action)) {
        if (a.type !== 'ip' && a.type !== 'bridge') continue;
        for (const line of a.lines) {
          lines++;
          t.notThrows(() => (a.type === 'ip' ? translateIp(line) : translateBridge(line)), `${spec.name}: ${a.type} ${line.join(' ')}`);
        }
      }
    }
  }
  t.true(lines > 10_000, `${lines} lines checked`);
});

test('lines outside the subset are refused, so the provider hands them to iproute2', (t) => {
  const refused: string[][] = [
    ['link', 'add', 'name', 'a', 'netns', 'x', 'type', 'veth', 'peer', 'name', 'b'],
    ['link', 'add', 'name', 'a', 'type', 'macvlan'],
    ['addr', 'add', 'fd00::1/64', 'dev', 'eth0'],
    ['route', 'add', '10.0.0.0/8', 'dev', 'eth0'],
    ['route', 'add', '10.0.0.0/8', 'via', '10.1.1.1', 'dev', 'eth0', 'metric', '5'],
    ['link', 'set', 'dev', 'eth0', 'promisc', 'on'],
    ['link', 'set', 'dev', 'eth0', 'addrgenmode', 'constructor'],
    ['neigh', 'replace', '10.0.0.1', 'lladdr', 'zz:00:00:00:00:00', 'dev', 'eth0'],
    ['neigh', 'replace', '10.0.0.1', 'lladdr', '02:00:00:00:00:01', 'dev', 'eth0', 'nud', 'stale'],
    ['link', 'add', 'name', 'vx', 'type', 'vxlan', 'dstport', '4789'],
    ['rule', 'add', 'from', 'all'],
  ];
  for (const line of refused) t.throws(() => translateIp(line), { instanceOf: Untranslatable }, line.join(' '));
  t.throws(() => translateBridge(['fdb', 'replace', '02:00:00:00:00:01', 'dev', 'vx', 'vni', '5']), { instanceOf: Untranslatable });
  t.throws(() => translateBridge(['vlan', 'add', 'vid', '5', 'dev', 'swp0']), { instanceOf: Untranslatable });
});

test('route replace: rtmsg, destination, gateway, onlink and the device index patched in', (t) => {
  const r = indexes(translateIp(['route', 'replace', '10.244.1.0/24', 'via', '10.244.1.0', 'dev', 'flannel.1', 'onlink']), { 'flannel.1': 7 });
  t.is(r.type, C.RTM_NEWROUTE);
  t.is(r.flags, C.NLM_F_REQUEST | C.NLM_F_ACK | C.NLM_F_CREATE | C.NLM_F_REPLACE);
  t.deepEqual([...r.body.subarray(0, 8)], [C.AF_INET, 24, 0, 0, C.RT_TABLE_MAIN, C.RTPROT_BOOT, C.RT_SCOPE_UNIVERSE, C.RTN_UNICAST]);
  t.is(r.body.readUInt32LE(8), C.RTNH_F_ONLINK);
  const a = attrs(r.body.subarray(12));
  t.deepEqual([...(a.get(C.RTA_DST) ?? [])], [10, 244, 1, 0]);
  t.deepEqual([...(a.get(C.RTA_GATEWAY) ?? [])], [10, 244, 1, 0]);
  t.is(a.get(C.RTA_OIF)?.readUInt32LE(0), 7);
  const d = translateIp(['route', 'add', 'default', 'via', '10.244.1.1', 'dev', 'eth0']);
  t.is(d.body[1], 0, 'default: prefix length 0');
  t.false(attrs(d.body.subarray(12)).has(C.RTA_DST), 'default: no RTA_DST');
  t.is(d.flags & C.NLM_F_EXCL, C.NLM_F_EXCL, 'add refuses an existing route');
});

test('vxlan: id, big-endian port, local, underlay device and learning nested in IFLA_LINKINFO', (t) => {
  const v = indexes(
    translateIp(['link', 'add', 'name', 'flannel.0', 'address', '02:0f:0a:a9:48:7f', 'mtu', '1450', 'type', 'vxlan', 'id', '0', 'dstport', '8472', 'local', '10.169.72.127', 'dev', 'eth0', 'learning']),
    { eth0: 2 },
  );
  t.true(v.changesLinks);
  const top = attrs(v.body.subarray(16));
  t.is(top.get(C.IFLA_IFNAME)?.toString(), 'flannel.0\0');
  t.is(top.get(C.IFLA_ADDRESS)?.toString('hex'), '020f0aa9487f');
  t.is(top.get(C.IFLA_MTU)?.readUInt32LE(0), 1450);
  const info = attrs(top.get(C.IFLA_LINKINFO)!);
  t.is(info.get(C.IFLA_INFO_KIND)?.toString(), 'vxlan\0');
  const data = attrs(info.get(C.IFLA_INFO_DATA)!);
  t.is(data.get(C.IFLA_VXLAN_ID)?.readUInt32LE(0), 0);
  t.is(data.get(C.IFLA_VXLAN_PORT)?.readUInt16BE(0), 8472);
  t.deepEqual([...(data.get(C.IFLA_VXLAN_LOCAL) ?? [])], [10, 169, 72, 127]);
  t.is(data.get(C.IFLA_VXLAN_LINK)?.readUInt32LE(0), 2);
  t.is(data.get(C.IFLA_VXLAN_LEARNING)?.[0], 1);
});

test('link set: flags and change mask, master by index, addrgenmode nested under AF_INET6', (t) => {
  const up = translateIp(['link', 'set', 'dev', 'veth0', 'up']);
  t.is(up.body.readInt32LE(4), 0, 'the device goes by name, not index');
  t.is(up.body.readUInt32LE(8), C.IFF_UP);
  t.is(up.body.readUInt32LE(12), C.IFF_UP);
  t.is(translateIp(['link', 'set', 'dev', 'veth0', 'down']).body.readUInt32LE(8), 0);
  const master = indexes(translateIp(['link', 'set', 'dev', 'veth0', 'master', 'cni0']), { cni0: 9 });
  t.is(attrs(master.body.subarray(16)).get(C.IFLA_MASTER)?.readUInt32LE(0), 9);
  const gen = translateIp(['link', 'set', 'dev', 'eth0', 'addrgenmode', 'none']);
  const inet6 = attrs(attrs(attrs(gen.body.subarray(16)).get(C.IFLA_AF_SPEC)!).get(C.AF_INET6)!);
  t.is(inet6.get(C.IFLA_INET6_ADDR_GEN_MODE)?.[0], C.IN6_ADDR_GEN_MODE.none);
});

test('bridge fdb: the state and flags bridge(8) would send', (t) => {
  const self = indexes(translateBridge(['fdb', 'replace', '02:0f:0a:a9:48:80', 'dev', 'flannel.0', 'dst', '10.169.72.128', 'self', 'permanent']), { 'flannel.0': 4 });
  t.is(self.body[0], C.AF_BRIDGE);
  t.is(self.body.readInt32LE(4), 4);
  t.is(self.body.readUInt16LE(8), C.NUD_NOARP | C.NUD_PERMANENT);
  t.is(self.body[10], C.NTF_SELF);
  const a = attrs(self.body.subarray(12));
  t.is(a.get(C.NDA_LLADDR)?.toString('hex'), '020f0aa94880');
  t.deepEqual([...(a.get(C.NDA_DST) ?? [])], [10, 169, 72, 128]);
  const master = translateBridge(['fdb', 'replace', '02:01:0a:a9:48:7f', 'dev', 'swp0', 'master', 'static']);
  t.is(master.body.readUInt16LE(8), C.NUD_NOARP | C.NUD_REACHABLE);
  t.is(master.body[10], C.NTF_MASTER);
  const flood = translateBridge(['fdb', 'append', '00:00:00:00:00:00', 'dev', 'flannel_vxlan', 'dst', '10.169.72.127', 'self', 'permanent']);
  t.is(flood.flags & C.NLM_F_APPEND, C.NLM_F_APPEND);
});

test('nested attributes carry their own length and stay 4-byte aligned', (t) => {
  const body = new BodyWriter()
    .nest(1, (n) => n.u8(2, 7).cstring(3, 'ab'))
    .u32(4, 9)
    .done();
  t.is(body.length % 4, 0);
  const [outer, next] = [...attributes(body)];
  t.is(outer?.[0], 1);
  t.deepEqual([...attributes(outer![1])].map(([type, v]) => [type, [...v]]), [
    [2, [7]],
    [3, [0x61, 0x62, 0]],
  ]);
  t.is(next?.[1].readUInt32LE(0), 9);
});

test('an error reply gives the negative errno and the extended-ack message; an ack gives 0', (t) => {
  const msg = Buffer.from('Device does not exist\0');
  const tlv = Buffer.alloc(4 + ((msg.length + 3) & ~3));
  tlv.writeUInt16LE(4 + msg.length, 0);
  tlv.writeUInt16LE(C.NLMSGERR_ATTR_MSG, 2);
  msg.copy(tlv, 4);
  const payload = Buffer.alloc(4 + 16);
  payload.writeInt32LE(-19, 0);
  payload.writeUInt32LE(32, 4); // the capped request's header: its length
  const error = Buffer.concat([Buffer.alloc(16), payload, tlv]);
  error.writeUInt32LE(error.length, 0);
  error.writeUInt16LE(C.NLMSG_ERROR, 4);
  error.writeUInt16LE(C.NLM_F_ACK_TLVS | C.NLM_F_CAPPED, 6);
  error.writeUInt32LE(42, 8);
  const ack = Buffer.alloc(36);
  ack.writeUInt32LE(36, 0);
  ack.writeUInt16LE(C.NLMSG_ERROR, 4);
  ack.writeUInt32LE(43, 8);
  const replies = parseReplies(Buffer.concat([error, ack]));
  t.deepEqual(replies, [
    { type: C.NLMSG_ERROR, seq: 42, error: -19, extack: 'Device does not exist' },
    { type: C.NLMSG_ERROR, seq: 43, error: 0 },
  ]);
  t.throws(() => parseReplies(error.subarray(0, 30)), { message: /malformed reply/ });
});

test('a refused line leaves the encoder usable: the next line encodes the same as before', (t) => {
  const line = ['neigh', 'replace', '10.0.0.1', 'lladdr', '02:00:00:00:00:01', 'dev', 'eth0', 'nud', 'permanent'];
  const before = translateIp(line).body;
  t.throws(() => translateIp(['link', 'add', 'name', 'x', 'mtu', '1500', 'type', 'macvlan']), { instanceOf: Untranslatable });
  t.deepEqual(translateIp(line).body, before);
});

test('OVERLAB_NETNS_CONFIG: iproute2 turns the addon off, a typo is an error that names the choices', (t) => {
  const before = process.env.OVERLAB_NETNS_CONFIG;
  try {
    process.env.OVERLAB_NETNS_CONFIG = 'iproute2';
    t.deepEqual(netnsAddon(), { why: 'OVERLAB_NETNS_CONFIG=iproute2' });
    process.env.OVERLAB_NETNS_CONFIG = 'ip';
    t.throws(() => netnsAddon(), { message: 'OVERLAB_NETNS_CONFIG=ip is not a configuration path: use netlink, iproute2, or leave it unset' });
  } finally {
    if (before === undefined) delete process.env.OVERLAB_NETNS_CONFIG;
    else process.env.OVERLAB_NETNS_CONFIG = before;
  }
});
