// The iproute2 lines the planner writes, as rtnetlink requests. The plan stays in iproute2's
// words (what `overlab plan` prints and what a person would type); this is how the netns
// provider carries those words out without starting `ip` and `bridge`. It knows exactly the
// forms devices/linux/commands.ts builds and refuses anything else, so the provider can hand an
// action it does not know to iproute2 itself. A test boots the same scenarios both ways and
// compares the kernel state.
import type { IpLine } from '../devices/linux/commands.js';
import * as C from './constants.js';
import { abandonBodies, BodyWriter, ifaddrmsg, ifinfomsg, ndmsg, rtmsg } from './message.js';

/** Looks up a device's ifindex in the namespace the request goes to. */
export interface LinkResolver {
  ifindex(name: string): number;
}

/** A line encoded ahead of time; the devices' ifindexes are patched in when it is sent. */
export interface Translated {
  type: number;
  flags: number;
  body: Buffer;
  /** Where in `body` each named device's ifindex goes (u32). */
  links: readonly { offset: number; name: string }[];
  /** The request creates or removes a device, so names seen before may now mean another index. */
  changesLinks: boolean;
}

/** Fills in the ifindexes (in place: a line is sent by one socket at a time). */
export function resolveLinks(t: Translated, links: LinkResolver): Translated {
  for (const l of t.links) t.body.writeUInt32LE(links.ifindex(l.name), l.offset);
  return t;
}

/** A line outside the subset this module speaks; the caller runs it with iproute2 instead. */
export class Untranslatable extends Error {}

const ACK = C.NLM_F_REQUEST | C.NLM_F_ACK;

/** A refused line leaves its half-built body behind: give the encoder's scratch buffer back. */
const releasingOnError =
  (encode: (line: IpLine) => Translated) =>
  (line: IpLine): Translated => {
    try {
      return encode(line);
    } catch (e) {
      abandonBodies();
      throw e;
    }
  };

export const translateIp = releasingOnError(ipRequest);
export const translateBridge = releasingOnError(bridgeRequest);

function ipRequest(line: IpLine): Translated {
  const [object, verb, ...rest] = line;
  if (object === 'link' && verb === 'set') return linkSet(rest, line);
  if (object === 'link' && verb === 'add') return linkAdd(rest, line);
  if (object === 'addr' && (verb === 'add' || verb === 'del')) return addr(verb, rest, line);
  if (object === 'route' && (verb === 'add' || verb === 'replace')) return route(verb, rest, line);
  if (object === 'neigh' && (verb === 'replace' || verb === 'del')) return neigh(verb, rest, line);
  throw untranslatable(line);
}

function bridgeRequest(line: IpLine): Translated {
  const [object, verb, ...rest] = line;
  if (object === 'fdb' && (verb === 'add' || verb === 'replace' || verb === 'append' || verb === 'del')) return fdb(verb, rest, line);
  throw untranslatable(line);
}

const untranslatable = (line: IpLine, why = 'not a form the netlink path knows'): Untranslatable =>
  new Untranslatable(`${line.join(' ')}: ${why}`);

/** Keyword/value pairs and bare flags, in order, as iproute2 reads them. */
class Words {
  private i = 0;
  constructor(
    private readonly words: readonly string[],
    private readonly line: IpLine,
  ) {}
  get done(): boolean {
    return this.i >= this.words.length;
  }
  next(): string {
    const w = this.words[this.i++];
    if (w === undefined) throw untranslatable(this.line, 'ends too early');
    return w;
  }
  fail(why: string): Untranslatable {
    return untranslatable(this.line, why);
  }
}

const MAC = /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function mac(text: string, line: IpLine): number[] {
  const m = MAC.exec(text);
  if (!m) throw untranslatable(line, `${text} is not a MAC address`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16), parseInt(m[4]!, 16), parseInt(m[5]!, 16), parseInt(m[6]!, 16)];
}

function ipv4(text: string, line: IpLine): number[] {
  // IPv6 lines go to iproute2: the planner only writes them when a scenario asks for IPv6.
  const m = IPV4.exec(text);
  if (!m) throw untranslatable(line, `${text} is not an IPv4 address`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

function prefix(text: string, line: IpLine): { address: number[]; length: number } {
  const slash = text.indexOf('/');
  const n = slash < 0 ? 32 : Number(text.slice(slash + 1));
  if (!Number.isInteger(n) || n < 0 || n > 32) throw untranslatable(line, `${text} has no valid prefix length`);
  return { address: ipv4(slash < 0 ? text : text.slice(0, slash), line), length: n };
}

function integer(text: string, line: IpLine, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max) throw untranslatable(line, `${text} is not a number up to ${max}`);
  return n;
}

const translated = (type: number, flags: number, w: BodyWriter, changesLinks = false): Translated => ({ type, flags, body: w.done(), links: w.links, changesLinks });

/** `link set dev D [up|down] [mtu N] [master M|nomaster] [addrgenmode MODE] [address MAC]` */
function linkSet(words: string[], line: IpLine): Translated {
  const w = new Words(words, line);
  if (w.next() !== 'dev') throw w.fail('expected dev');
  const dev = w.next();
  let flags = 0;
  let change = 0;
  const attrs: ((b: BodyWriter) => void)[] = [];
  while (!w.done) {
    const word = w.next();
    if (word === 'up' || word === 'down') {
      change |= C.IFF_UP;
      flags = word === 'up' ? flags | C.IFF_UP : flags & ~C.IFF_UP;
    } else if (word === 'mtu') {
      const mtu = integer(w.next(), line, 65535);
      attrs.push((b) => b.u32(C.IFLA_MTU, mtu));
    } else if (word === 'master') {
      const master = w.next();
      attrs.push((b) => b.ifindex(C.IFLA_MASTER, master));
    } else if (word === 'nomaster') {
      attrs.push((b) => b.u32(C.IFLA_MASTER, 0));
    } else if (word === 'addrgenmode') {
      const mode = w.next();
      if (!Object.hasOwn(C.IN6_ADDR_GEN_MODE, mode)) throw w.fail(`unknown addrgenmode ${mode}`);
      const value = C.IN6_ADDR_GEN_MODE[mode as keyof typeof C.IN6_ADDR_GEN_MODE];
      attrs.push((b) => b.nest(C.IFLA_AF_SPEC, (af) => af.nest(C.AF_INET6, (v6) => v6.u8(C.IFLA_INET6_ADDR_GEN_MODE, value))));
    } else if (word === 'address') {
      const address = mac(w.next(), line);
      attrs.push((b) => b.bytes(C.IFLA_ADDRESS, address));
    } else throw w.fail(`unknown word ${word}`);
  }
  // Index 0 and the name: the kernel finds the device by name, as for `ip link set dev`.
  const b = new BodyWriter().header(16, ifinfomsg(0, flags, change)).cstring(C.IFLA_IFNAME, dev);
  for (const a of attrs) a(b);
  return translated(C.RTM_NEWLINK, ACK, b);
}

/** `link add name N [address MAC] [mtu N] type bridge [mcast_snooping 0|1] | vxlan ... | dummy` */
function linkAdd(words: string[], line: IpLine): Translated {
  const w = new Words(words, line);
  if (w.next() !== 'name') throw w.fail('expected name');
  const b = new BodyWriter().header(16, ifinfomsg(0)).cstring(C.IFLA_IFNAME, w.next());
  let kind: string | undefined;
  while (!w.done && kind === undefined) {
    const word = w.next();
    if (word === 'address') b.bytes(C.IFLA_ADDRESS, mac(w.next(), line));
    else if (word === 'mtu') b.u32(C.IFLA_MTU, integer(w.next(), line, 65535));
    else if (word === 'type') kind = w.next();
    // netns, index and veth peers are the host batch's business (wire), not a namespace's.
    else throw w.fail(`unknown word ${word}`);
  }
  const data: ((d: BodyWriter) => void)[] = [];
  if (kind === 'bridge') {
    while (!w.done) {
      const word = w.next();
      if (word === 'mcast_snooping') {
        const on = integer(w.next(), line, 1);
        data.push((d) => d.u8(C.IFLA_BR_MCAST_SNOOPING, on));
      } else throw w.fail(`unknown bridge option ${word}`);
    }
  } else if (kind === 'vxlan') {
    let sawId = false;
    while (!w.done) {
      const word = w.next();
      if (word === 'id') {
        const vni = integer(w.next(), line, 0xffffff);
        sawId = true;
        data.push((d) => d.u32(C.IFLA_VXLAN_ID, vni));
      } else if (word === 'dstport') {
        const port = integer(w.next(), line, 65535);
        data.push((d) => d.be16(C.IFLA_VXLAN_PORT, port));
      } else if (word === 'local') {
        const local = ipv4(w.next(), line);
        data.push((d) => d.bytes(C.IFLA_VXLAN_LOCAL, local));
      } else if (word === 'dev') {
        const dev = w.next();
        data.push((d) => d.ifindex(C.IFLA_VXLAN_LINK, dev));
      } else if (word === 'learning' || word === 'nolearning') {
        const on = word === 'learning' ? 1 : 0;
        data.push((d) => d.u8(C.IFLA_VXLAN_LEARNING, on));
      } else throw w.fail(`unknown vxlan option ${word}`);
    }
    if (!sawId) throw w.fail('a vxlan device needs an id');
  } else if (kind === 'dummy') {
    if (!w.done) throw w.fail('a dummy device takes no options');
  } else throw w.fail(`link type ${kind ?? '(none)'} is not one the netlink path creates`);
  const linkKind = kind;
  b.nest(C.IFLA_LINKINFO, (info) => {
    info.cstring(C.IFLA_INFO_KIND, linkKind);
    if (data.length > 0) info.nest(C.IFLA_INFO_DATA, (d) => data.forEach((f) => f(d)));
  });
  return translated(C.RTM_NEWLINK, ACK | C.NLM_F_CREATE | C.NLM_F_EXCL, b, true);
}

/** `addr add|del A.B.C.D/N dev D` */
function addr(verb: 'add' | 'del', words: string[], line: IpLine): Translated {
  const [cidr, devWord, dev, ...extra] = words;
  if (cidr === undefined || devWord !== 'dev' || dev === undefined || extra.length > 0) throw untranslatable(line);
  const { address, length } = prefix(cidr, line);
  // 127/8 is host scope, as iproute2 picks by default; everything else global.
  const scope = address[0] === 127 ? 254 : C.RT_SCOPE_UNIVERSE;
  const b = new BodyWriter().header(8, ifaddrmsg(C.AF_INET, length, scope)).ifindexAt(4, dev);
  b.bytes(C.IFA_LOCAL, address).bytes(C.IFA_ADDRESS, address);
  return translated(verb === 'add' ? C.RTM_NEWADDR : C.RTM_DELADDR, verb === 'add' ? ACK | C.NLM_F_CREATE | C.NLM_F_EXCL : ACK, b);
}

/** `route add|replace DST|default via GW dev D [onlink]` */
function route(verb: 'add' | 'replace', words: string[], line: IpLine): Translated {
  const [dst, viaWord, via, devWord, dev, ...extra] = words;
  if (dst === undefined || viaWord !== 'via' || via === undefined || devWord !== 'dev' || dev === undefined) throw untranslatable(line);
  const onlink = extra.length === 1 && extra[0] === 'onlink';
  if (extra.length > 0 && !onlink) throw untranslatable(line);
  const destination = dst === 'default' ? undefined : prefix(dst, line);
  const gateway = ipv4(via, line);
  const b = new BodyWriter().header(
    12,
    rtmsg({
      family: C.AF_INET,
      dstLen: destination?.length ?? 0,
      table: C.RT_TABLE_MAIN,
      protocol: C.RTPROT_BOOT,
      scope: C.RT_SCOPE_UNIVERSE,
      type: C.RTN_UNICAST,
      flags: onlink ? C.RTNH_F_ONLINK : 0,
    }),
  );
  if (destination && destination.length > 0) b.bytes(C.RTA_DST, destination.address);
  b.bytes(C.RTA_GATEWAY, gateway).ifindex(C.RTA_OIF, dev);
  return translated(C.RTM_NEWROUTE, ACK | C.NLM_F_CREATE | (verb === 'add' ? C.NLM_F_EXCL : C.NLM_F_REPLACE), b);
}

const NUD: Record<string, number> = { permanent: C.NUD_PERMANENT, noarp: C.NUD_NOARP, reachable: C.NUD_REACHABLE };

/** `neigh replace ADDR lladdr MAC dev D nud STATE`, `neigh del ADDR dev D` */
function neigh(verb: 'replace' | 'del', words: string[], line: IpLine): Translated {
  const w = new Words(words, line);
  const address = ipv4(w.next(), line);
  let lladdr: number[] | undefined;
  let dev: string | undefined;
  let state = C.NUD_PERMANENT; // iproute2's default for add and replace
  while (!w.done) {
    const word = w.next();
    if (word === 'lladdr') lladdr = mac(w.next(), line);
    else if (word === 'dev') dev = w.next();
    else if (word === 'nud') {
      const name = w.next();
      const value = NUD[name];
      if (value === undefined) throw w.fail(`unknown nud state ${name}`);
      state = value;
    } else throw w.fail(`unknown word ${word}`);
  }
  if (dev === undefined) throw w.fail('a neighbour needs dev');
  if (verb === 'replace' && lladdr === undefined) throw w.fail('neigh replace needs lladdr');
  const b = new BodyWriter().header(12, ndmsg(C.AF_INET, verb === 'replace' ? state : 0, 0)).ifindexAt(4, dev);
  b.bytes(C.NDA_DST, address);
  if (lladdr) b.bytes(C.NDA_LLADDR, lladdr);
  return translated(verb === 'replace' ? C.RTM_NEWNEIGH : C.RTM_DELNEIGH, verb === 'replace' ? ACK | C.NLM_F_CREATE | C.NLM_F_REPLACE : ACK, b);
}

const FDB_FLAGS: Record<string, number> = {
  add: C.NLM_F_CREATE | C.NLM_F_EXCL,
  replace: C.NLM_F_CREATE | C.NLM_F_REPLACE,
  append: C.NLM_F_CREATE | C.NLM_F_APPEND,
  del: 0,
};

/** `bridge fdb add|replace|append|del MAC dev D [dst IP] [self] [master] [permanent|static]` */
function fdb(verb: 'add' | 'replace' | 'append' | 'del', words: string[], line: IpLine): Translated {
  const w = new Words(words, line);
  const lladdr = mac(w.next(), line);
  let dev: string | undefined;
  let dst: number[] | undefined;
  // What bridge(8) sends: NOARP plus PERMANENT or REACHABLE, and NTF_SELF unless told otherwise.
  let state = C.NUD_NOARP;
  let flags = 0;
  while (!w.done) {
    const word = w.next();
    if (word === 'dev') dev = w.next();
    else if (word === 'dst') dst = ipv4(w.next(), line);
    else if (word === 'self') flags |= C.NTF_SELF;
    else if (word === 'master') flags |= C.NTF_MASTER;
    else if (word === 'permanent' || word === 'local') state |= C.NUD_PERMANENT;
    else if (word === 'static' || word === 'temp') state |= C.NUD_REACHABLE;
    else throw w.fail(`unknown word ${word}`);
  }
  if (dev === undefined) throw w.fail('an fdb entry needs dev');
  if (!(flags & (C.NTF_SELF | C.NTF_MASTER))) flags |= C.NTF_SELF;
  if (!(state & (C.NUD_PERMANENT | C.NUD_REACHABLE))) state |= C.NUD_PERMANENT;
  const b = new BodyWriter().header(12, ndmsg(C.AF_BRIDGE, state, flags)).ifindexAt(4, dev);
  b.bytes(C.NDA_LLADDR, lladdr);
  if (dst) b.bytes(C.NDA_DST, dst);
  return translated(verb === 'del' ? C.RTM_DELNEIGH : C.RTM_NEWNEIGH, ACK | (FDB_FLAGS[verb] ?? 0), b);
}
