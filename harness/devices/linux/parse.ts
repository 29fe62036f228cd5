// Parsers for the JSON that iproute2 (`ip -j ...`) and `bridge -j fdb show` print. Each takes the
// raw stdout of one command and returns normalized, typed records; anything that is not the shape
// the command prints throws an IprouteParseError naming the command and the offending field.
//
// Shapes were checked against iproute2 6.1 (kernel 6.18); see test/fixtures/iproute2/README.md for
// the captured outputs. Quirks relied upon or smoothed over here:
//
//  * Every command prints one JSON array, `[]` when nothing matches (never empty stdout, which is
//    therefore treated as an error: the command most likely failed).
//  * A `dev DEV` filter on `ip route`, `ip neigh` and `bridge fdb show` (or `brport DEV`) removes
//    the `dev` / `ifname` key from every entry; pass `{ dev }` in ParseOptions in that case.
//  * `ip -j route` prints host routes without a prefix length (`"dst":"10.244.1.2"`) but prefixes
//    with one (`"dst":"10.244.1.0/24"`); parseRoutes appends /32 (or /128) so `dst` is always a
//    CIDR or `default`.
//  * `bridge -j fdb show` names the device `ifname` (iproute2 >= 5.x; older releases used `dev`),
//    always prints a `flags` array (older releases left it out when empty), and prints
//    `"state":""` for learned (NUD_REACHABLE) entries (older releases left `state` out).
//  * iproute2 before ~5.x printed `{}` for links hidden by a family filter (`ip -j -4 addr`);
//    parseAddrs skips such empty objects.

import { HarnessError } from '../../core/errors.js';

/** The output of an iproute2/bridge command was not the JSON shape expected. */
export class IprouteParseError extends HarnessError {}

export interface ParseOptions {
  /** The command as run, used in error messages (defaults to the canonical command). */
  command?: string;
  /**
   * The device the command was filtered on (`ip route show dev X`, `bridge fdb show dev X`):
   * iproute2 then leaves the device out of every entry, and this value is used instead.
   */
  dev?: string;
}

// ---------------------------------------------------------------------------------------------
// ip -j -d link show

export interface VxlanInfo {
  /** VNI (`id`); 0 is a valid VNI and parses as 0. */
  id: number;
  /** UDP destination port (`dstport`, JSON `port`). */
  port: number;
  /** Source address (`local`, or `local6` for an IPv6 VTEP). */
  local?: string;
  learning: boolean;
  /** Underlay device (`dev` on the command line, JSON `link`). */
  link?: string;
}

export interface LinkInfo {
  ifindex: number;
  name: string;
  mtu: number;
  /** Link-layer address, lower-case; '' for links without one (e.g. wireguard). */
  mac: string;
  /** `operstate` as printed: UP, DOWN, UNKNOWN, LOWERLAYERDOWN, ... */
  state: string;
  /** The administrative UP flag (`flags` includes "UP"). */
  up: boolean;
  flags: string[];
  master?: string;
  /** `linkinfo.info_kind` (vxlan, bridge, veth, ...); needs `-d`. */
  kind?: string;
  /** Present when kind is vxlan; from `linkinfo.info_data` (needs `-d`). */
  vxlan?: VxlanInfo;
  /** `inet6_addr_gen_mode` (eui64, none, stable_secret, random); needs `-d`. */
  addrGenMode?: string;
}

export function parseLinks(stdout: string, options: ParseOptions = {}): LinkInfo[] {
  const p = new Parser(options.command ?? 'ip -j -d link show');
  return p.array(stdout).map((raw, i) => {
    const o = p.object(raw, `[${i}]`);
    const at = `[${i}]`;
    const flags = p.strings(o, 'flags', at);
    const link: LinkInfo = {
      ifindex: p.int(o, 'ifindex', at),
      name: p.str(o, 'ifname', at),
      mtu: p.int(o, 'mtu', at),
      mac: (p.optStr(o, 'address', at) ?? '').toLowerCase(),
      state: p.str(o, 'operstate', at),
      up: flags.includes('UP'),
      flags,
    };
    const master = p.optStr(o, 'master', at);
    if (master !== undefined) link.master = master;
    const addrGenMode = p.optStr(o, 'inet6_addr_gen_mode', at);
    if (addrGenMode !== undefined) link.addrGenMode = addrGenMode;
    if (o['linkinfo'] !== undefined) {
      const li = p.object(o['linkinfo'], `${at}.linkinfo`);
      const kind = p.optStr(li, 'info_kind', `${at}.linkinfo`);
      if (kind !== undefined) link.kind = kind;
      // info_data describes the link itself; info_slave_data (bridge port settings, which also
      // has a `learning` key) is deliberately not read.
      if (kind === 'vxlan' && li['info_data'] !== undefined) {
        const dat = `${at}.linkinfo.info_data`;
        const d = p.object(li['info_data'], dat);
        const vx: VxlanInfo = { id: p.int(d, 'id', dat), port: p.int(d, 'port', dat), learning: p.bool(d, 'learning', dat) };
        const local = p.optStr(d, 'local', dat) ?? p.optStr(d, 'local6', dat);
        if (local !== undefined) vx.local = local;
        const dev = p.optStr(d, 'link', dat);
        if (dev !== undefined) vx.link = dev;
        link.vxlan = vx;
      }
    }
    return link;
  });
}

// ---------------------------------------------------------------------------------------------
// ip -j addr show

export interface AddrEntry {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  /** global, link, host, ... */
  scope: string;
}

export interface AddrInfo {
  ifindex: number;
  ifname: string;
  mtu: number;
  /** Link-layer address, lower-case; '' when the link has none. */
  mac: string;
  /** inet and inet6 addresses in printed order; other families are left out. */
  addrs: AddrEntry[];
}

export function parseAddrs(stdout: string, options: ParseOptions = {}): AddrInfo[] {
  const p = new Parser(options.command ?? 'ip -j addr show');
  const out: AddrInfo[] = [];
  p.array(stdout).forEach((raw, i) => {
    const at = `[${i}]`;
    const o = p.object(raw, at);
    if (Object.keys(o).length === 0) return; // old iproute2: link hidden by a family filter
    const addrs: AddrEntry[] = [];
    const list = o['addr_info'] === undefined ? [] : p.list(o['addr_info'], `${at}.addr_info`);
    list.forEach((rawA, j) => {
      const aat = `${at}.addr_info[${j}]`;
      const a = p.object(rawA, aat);
      const family = p.str(a, 'family', aat);
      if (family !== 'inet' && family !== 'inet6') return;
      addrs.push({ family, local: p.str(a, 'local', aat), prefixlen: p.int(a, 'prefixlen', aat), scope: p.str(a, 'scope', aat) });
    });
    out.push({
      ifindex: p.int(o, 'ifindex', at),
      ifname: p.str(o, 'ifname', at),
      mtu: p.int(o, 'mtu', at),
      mac: (p.optStr(o, 'address', at) ?? '').toLowerCase(),
      addrs,
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// ip -j route show

export interface RouteNexthop {
  gateway?: string;
  dev: string;
  onlink: boolean;
}

export interface RouteInfo {
  /** 'default' or a CIDR; host routes get /32 (IPv4) or /128 (IPv6) appended. */
  dst: string;
  gateway?: string;
  /**
   * Output device. '' when the route has none: multipath routes (see `nexthops`) and
   * blackhole/unreachable/prohibit routes (see `type`).
   */
  dev: string;
  /** `flags` includes "onlink". */
  onlink: boolean;
  flags: string[];
  /** kernel, static, boot, dhcp, ... (left out by iproute2 for some routes). */
  protocol?: string;
  /** link, host; iproute2 leaves out the default, global. */
  scope?: string;
  prefsrc?: string;
  metric?: number;
  /** Only printed for non-unicast routes: blackhole, unreachable, local, broadcast, ... */
  type?: string;
  nexthops?: RouteNexthop[];
}

export function parseRoutes(stdout: string, options: ParseOptions = {}): RouteInfo[] {
  const p = new Parser(options.command ?? 'ip -j route show');
  return p.array(stdout).map((raw, i) => {
    const at = `[${i}]`;
    const o = p.object(raw, at);
    const flags = o['flags'] === undefined ? [] : p.strings(o, 'flags', at);
    const type = p.optStr(o, 'type', at);
    const nexthops =
      o['nexthops'] === undefined
        ? undefined
        : p.list(o['nexthops'], `${at}.nexthops`).map((rawN, j): RouteNexthop => {
            const nat = `${at}.nexthops[${j}]`;
            const n = p.object(rawN, nat);
            const nh: RouteNexthop = { dev: p.str(n, 'dev', nat), onlink: (n['flags'] === undefined ? [] : p.strings(n, 'flags', nat)).includes('onlink') };
            const gw = gatewayOf(p, n, nat);
            if (gw !== undefined) nh.gateway = gw;
            return nh;
          });
    // A route always has a device except multipath and typed (blackhole, ...) routes.
    const devOk = nexthops !== undefined || type !== undefined;
    const dev = p.optStr(o, 'dev', at) ?? options.dev ?? (devOk ? '' : p.missing('dev', at, 'a string (use options.dev if the command was filtered with `dev`)'));
    const route: RouteInfo = { dst: normalizeDst(p.str(o, 'dst', at)), dev, onlink: flags.includes('onlink'), flags };
    const gateway = gatewayOf(p, o, at);
    if (gateway !== undefined) route.gateway = gateway;
    for (const key of ['protocol', 'scope', 'prefsrc'] as const) {
      const v = p.optStr(o, key, at);
      if (v !== undefined) route[key] = v;
    }
    const metric = p.optInt(o, 'metric', at);
    if (metric !== undefined) route.metric = metric;
    if (type !== undefined) route.type = type;
    if (nexthops !== undefined) route.nexthops = nexthops;
    return route;
  });
}

/** `gateway`, or for an RTA_VIA route (IPv4 via an IPv6 next hop) `via.host`. */
function gatewayOf(p: Parser, o: Record<string, unknown>, at: string): string | undefined {
  const gw = p.optStr(o, 'gateway', at);
  if (gw !== undefined || o['via'] === undefined) return gw;
  return p.str(p.object(o['via'], `${at}.via`), 'host', `${at}.via`);
}

function normalizeDst(dst: string): string {
  if (dst === 'default' || dst.includes('/')) return dst;
  return dst.includes(':') ? `${dst}/128` : `${dst}/32`;
}

// ---------------------------------------------------------------------------------------------
// ip -j neigh show

export interface NeighbourInfo {
  dst: string;
  dev: string;
  /** Lower-case; absent for INCOMPLETE/FAILED entries. */
  lladdr?: string;
  /** As printed, upper-case: PERMANENT, REACHABLE, STALE, DELAY, FAILED, NOARP, ... */
  states: string[];
  /** states includes PERMANENT. */
  permanent: boolean;
}

export function parseNeighbours(stdout: string, options: ParseOptions = {}): NeighbourInfo[] {
  const p = new Parser(options.command ?? 'ip -j neigh show');
  return p.array(stdout).map((raw, i) => {
    const at = `[${i}]`;
    const o = p.object(raw, at);
    // `state` is left out for NUD_NONE entries; `lladdr` for unresolved ones (and may be null).
    const states = o['state'] === undefined ? [] : p.strings(o, 'state', at);
    const n: NeighbourInfo = {
      dst: p.str(o, 'dst', at),
      dev: p.optStr(o, 'dev', at) ?? options.dev ?? p.missing('dev', at, 'a string (use options.dev if the command was filtered with `dev`)'),
      states,
      permanent: states.includes('PERMANENT'),
    };
    const lladdr = o['lladdr'] === null ? undefined : p.optStr(o, 'lladdr', at);
    if (lladdr !== undefined) n.lladdr = lladdr.toLowerCase();
    return n;
  });
}

// ---------------------------------------------------------------------------------------------
// bridge -j fdb show
//
// What iproute2 6.1 prints (one object per entry), and what is read here:
//   mac     always; lower-case hex.
//   ifname  the port/device (older iproute2: `dev`); absent when filtered with `dev`/`brport`.
//   dst     remote VTEP, only on VXLAN `self` entries.
//   vlan    only when the entry has a VLAN (bridge with vlan_filtering).
//   flags   array of NTF_* names: "self" for entries from the device's own table (VXLAN FDB,
//           a device's unicast/multicast address list), plus "router", "extern_learn",
//           "offload", "sticky". Entries of the bridge's FDB have `[]` here ...
//   master  ... and instead carry `"master": "<bridge>"`. The bridge's own address shows as
//           `ifname: cni0, master: cni0, state: permanent`.
//   state   "permanent" (NUD_PERMANENT: local/permanent entries), "static" (NUD_NOARP: added
//           with `static`), "stale" (learned, idle), "" (learned, NUD_REACHABLE; older iproute2
//           left the key out), or "state=0x.." for anything else.
//   port, vni  VXLAN entries added with a non-default port/VNI.

export interface FdbEntry {
  /** Lower-case. */
  mac: string;
  dev: string;
  /** Remote VTEP of a VXLAN entry. */
  dst?: string;
  vlan?: number;
  /** The bridge, for entries of a bridge's FDB. */
  master?: string;
  /** `flags` includes "self", or the entry has no master. */
  self: boolean;
  /** state is "permanent". */
  permanent: boolean;
  /** state is "static". */
  static: boolean;
  /** Neither permanent, static nor noarp: learned from traffic ("" or "stale"). */
  learned: boolean;
  /** As printed; '' for a learned, reachable entry. */
  state: string;
  flags: string[];
  port?: number;
  vni?: number;
}

export function parseFdb(stdout: string, options: ParseOptions = {}): FdbEntry[] {
  const p = new Parser(options.command ?? 'bridge -j fdb show');
  return p.array(stdout).map((raw, i) => {
    const at = `[${i}]`;
    const o = p.object(raw, at);
    const mac = p.str(o, 'mac', at).toLowerCase();
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2})+$/.test(mac)) p.fail(`${at}.mac`, `expected a MAC address, got ${JSON.stringify(mac)}`);
    const flags = o['flags'] === undefined ? [] : p.strings(o, 'flags', at);
    const state = p.optStr(o, 'state', at) ?? '';
    const master = p.optStr(o, 'master', at);
    const permanent = state === 'permanent';
    const isStatic = state === 'static';
    const e: FdbEntry = {
      mac,
      dev:
        p.optStr(o, 'ifname', at) ??
        p.optStr(o, 'dev', at) ??
        options.dev ??
        p.missing('ifname', at, 'a string (use options.dev if the command was filtered with `dev`/`brport`)'),
      self: flags.includes('self') || master === undefined,
      permanent,
      static: isStatic,
      learned: !permanent && !isStatic && state !== 'noarp',
      state,
      flags,
    };
    const dst = p.optStr(o, 'dst', at);
    if (dst !== undefined) e.dst = dst;
    if (master !== undefined) e.master = master;
    for (const key of ['vlan', 'port', 'vni'] as const) {
      const v = p.optInt(o, key, at);
      if (v !== undefined) e[key] = v;
    }
    return e;
  });
}

// ---------------------------------------------------------------------------------------------
// Shared checking helpers. `at` is a JSON path such as `[3].linkinfo.info_data`.

class Parser {
  constructor(readonly command: string) {}

  fail(field: string, what: string): never {
    throw new IprouteParseError(`cannot parse output of \`${this.command}\`: ${field ? field + ': ' : ''}${what}`, {
      argv: this.command.split(' '),
      field,
    });
  }

  missing(key: string, at: string, expected: string): never {
    return this.fail(`${at}.${key}`, `missing, expected ${expected}`);
  }

  array(stdout: unknown): unknown[] {
    if (typeof stdout !== 'string') this.fail('', `expected stdout as a string, got ${describe(stdout)}`);
    if (stdout.trim() === '') this.fail('', 'empty output, expected a JSON array (did the command fail?)');
    let data: unknown;
    try {
      data = JSON.parse(stdout);
    } catch (err) {
      const snippet = stdout.trim().slice(0, 60);
      throw new IprouteParseError(
        `cannot parse output of \`${this.command}\`: not JSON (${(err as Error).message}); output starts ${JSON.stringify(snippet)}`,
        { argv: this.command.split(' ') },
        { cause: err },
      );
    }
    return this.list(data, '(top level)');
  }

  list(v: unknown, at: string): unknown[] {
    if (!Array.isArray(v)) this.fail(at, `expected an array, got ${describe(v)}`);
    return v as unknown[];
  }

  object(v: unknown, at: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(at, `expected an object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  str(o: Record<string, unknown>, key: string, at: string): string {
    return this.optStr(o, key, at) ?? this.missing(key, at, 'a string');
  }

  optStr(o: Record<string, unknown>, key: string, at: string): string | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(`${at}.${key}`, `expected a string, got ${describe(v)}`);
    return v;
  }

  int(o: Record<string, unknown>, key: string, at: string): number {
    return this.optInt(o, key, at) ?? this.missing(key, at, 'a non-negative integer');
  }

  optInt(o: Record<string, unknown>, key: string, at: string): number | undefined {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(`${at}.${key}`, `expected a non-negative integer, got ${describe(v)}`);
    return v;
  }

  bool(o: Record<string, unknown>, key: string, at: string): boolean {
    const v = o[key];
    if (v === undefined) this.missing(key, at, 'a boolean');
    if (typeof v !== 'boolean') this.fail(`${at}.${key}`, `expected a boolean, got ${describe(v)}`);
    return v;
  }

  strings(o: Record<string, unknown>, key: string, at: string): string[] {
    const v = o[key];
    if (v === undefined) this.missing(key, at, 'an array of strings');
    const list = this.list(v, `${at}.${key}`);
    list.forEach((s, i) => {
      if (typeof s !== 'string') this.fail(`${at}.${key}[${i}]`, `expected a string, got ${describe(s)}`);
    });
    return list as string[];
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}
