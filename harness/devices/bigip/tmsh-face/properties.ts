// The properties of each object type's `create` command: their syntax (for "accepted: ..."
// messages), how each is read from the words, which are required and the defaults. Properties may
// come in any order, as tmsh takes them.
import { TRAFFIC_GROUPS, type ObjectDecl, type ObjectType } from './commands.js';
import { isBlock, itemsText, type Item } from './tokens.js';
import * as v from './values.js';

/** Reads one property's value from the words after its key; throws a message (without the command) when they are wrong. */
export class Words {
  constructor(
    private readonly items: readonly Item[],
    public at: number,
  ) {}
  get done(): boolean {
    return this.at >= this.items.length;
  }
  peek(): Item | undefined {
    return this.items[this.at];
  }
  word(what: string): string {
    const i = this.items[this.at];
    if (i === undefined) throw new PropertyError(`expected ${what}, found the end of the command`);
    if (isBlock(i)) throw new PropertyError(`expected ${what}, found "{ ${itemsText(i.block)} }"`);
    this.at++;
    return i;
  }
  keyword(expected: string, what: string): void {
    const w = this.word(what);
    if (w !== expected) throw new PropertyError(`expected ${what}, found "${w}"`);
  }
  block(what: string): Item[] {
    const i = this.items[this.at];
    if (!isBlock(i)) throw new PropertyError(`expected ${what}, found ${i === undefined ? 'the end of the command' : `"${i}"`}`);
    this.at++;
    return i.block;
  }
  value<T>(what: string, parse: (raw: string) => v.Parsed<T>): T {
    const r = parse(this.word(what));
    if (!r.ok) throw new PropertyError(r.message);
    return r.value;
  }
}

export class PropertyError extends Error {}

interface Property {
  /** How it is written, e.g. `mtu <n>`. */
  syntax: string;
  read(w: Words): unknown;
}

type Props = Record<string, unknown>;

interface TypeSpec {
  properties: Record<string, Property>;
  required: readonly string[];
  build(name: string, p: Props): ObjectDecl;
}

const word = (what: string, parse: (raw: string) => v.Parsed<unknown>): Property['read'] => (w) => w.value(what, parse);
const name = (what: string) => word(what, v.objectName);
const trafficGroup: Property = { syntax: `traffic-group ${TRAFFIC_GROUPS.join('|')}`, read: word('a traffic group', (r) => v.oneOf(r, TRAFFIC_GROUPS)) };

/** `add { <w> <w> ... }`: a list of single words, each parsed. */
function addList<T>(what: string, parse: (raw: string) => v.Parsed<T>): Property['read'] {
  return (w) => {
    w.keyword('add', `"add { ${what} ... }"`);
    const inner = new Words(w.block(`"{ ${what} ... }"`), 0);
    const out: T[] = [];
    while (!inner.done) out.push(inner.value(what, parse));
    if (!out.length) throw new PropertyError(`expected at least one ${what} in "add { }"`);
    return out;
  };
}

export const TYPES: Record<ObjectType, TypeSpec> = {
  vlan: {
    properties: {
      interfaces: {
        syntax: 'interfaces add { <interface> }',
        read: (w) => {
          const list = addList('<interface>', (r) => (/^\d+\.\d+$/.test(r) ? { ok: true, value: r } : { ok: false, message: `"${r}" is not an interface name such as 1.1` }))(w) as string[];
          if (list.length !== 1) throw new PropertyError(`this unit's VLANs are untagged on exactly one interface, found ${list.length} (${list.join(' ')})`);
          return list[0];
        },
      },
      mtu: { syntax: 'mtu <576-9198>', read: word('an MTU', (r) => v.integer(r, 576, 9198)) },
    },
    required: ['interfaces'],
    build: (name, p) => ({ type: 'vlan', name, interface: p.interfaces as string, mtu: (p.mtu as number | undefined) ?? 1500 }),
  },
  self: {
    properties: {
      address: { syntax: 'address <ip>/<len>', read: word('an address with its prefix length', v.ipv4Prefix) },
      vlan: { syntax: 'vlan <vlan or tunnel>', read: name('a VLAN or tunnel name') },
      'traffic-group': trafficGroup,
      'allow-service': { syntax: 'allow-service default|none|all', read: word('default, none or all', (r) => v.oneOf(r, ['default', 'none', 'all'] as const)) },
    },
    required: ['address', 'vlan'],
    build: (name, p) => ({
      type: 'self',
      name,
      address: p.address as string,
      vlan: p.vlan as string,
      trafficGroup: (p['traffic-group'] as 'traffic-group-1' | undefined) ?? 'traffic-group-local-only',
      allowService: (p['allow-service'] as 'default' | undefined) ?? 'none',
    }),
  },
  vxlan: {
    properties: {
      port: { syntax: 'port <1-65535>', read: word('a UDP port', (r) => v.integer(r, 1, 65535)) },
      'flooding-type': { syntax: 'flooding-type multipoint|none', read: word('multipoint or none', (r) => v.oneOf(r, ['multipoint', 'none'] as const)) },
    },
    required: [],
    build: (name, p) => ({ type: 'vxlan', name, port: (p.port as number | undefined) ?? 4789, floodingType: (p['flooding-type'] as 'none' | undefined) ?? 'multipoint' }),
  },
  tunnel: {
    properties: {
      key: { syntax: 'key <0-16777215>', read: word('a VNI', (r) => v.integer(r, 0, 16777215)) },
      profile: { syntax: 'profile <vxlan profile>', read: name('a vxlan profile name') },
      'local-address': { syntax: 'local-address <ip>', read: word('an IPv4 address', v.ipv4) },
      'traffic-group': trafficGroup,
      mtu: { syntax: 'mtu <576-9198>', read: word('an MTU', (r) => v.integer(r, 576, 9198)) },
    },
    required: ['key', 'profile', 'local-address', 'traffic-group'],
    build: (name, p) => ({
      type: 'tunnel',
      name,
      key: p.key as number,
      profile: p.profile as string,
      localAddress: p['local-address'] as string,
      trafficGroup: p['traffic-group'] as 'traffic-group-1',
      ...(p.mtu !== undefined ? { mtu: p.mtu as number } : {}),
    }),
  },
  arp: {
    properties: {
      'ip-address': { syntax: 'ip-address <ip>', read: word('an IPv4 address', v.ipv4) },
      'mac-address': { syntax: 'mac-address <mac>', read: word('a MAC address', v.mac) },
    },
    required: ['ip-address', 'mac-address'],
    build: (name, p) => ({ type: 'arp', name, ip: p['ip-address'] as string, mac: p['mac-address'] as string }),
  },
  pool: {
    properties: { members: { syntax: 'members add { <ip>:any ... }', read: addList('<ip>:any', v.poolMember) } },
    required: ['members'],
    build: (name, p) => ({ type: 'pool', name, members: p.members as string[] }),
  },
  virtual: {
    properties: {
      destination: { syntax: 'destination <ip>:<port>', read: word('a destination address:port', v.destination) },
      'ip-protocol': { syntax: 'ip-protocol tcp|udp', read: word('tcp or udp', (r) => v.oneOf(r, ['tcp', 'udp'] as const)) },
      pool: { syntax: 'pool <pool>', read: name('a pool name') },
      'source-address-translation': {
        syntax: 'source-address-translation { type automap|none }',
        read: (w) => {
          const inner = new Words(w.block('"{ type automap|none }"'), 0);
          inner.keyword('type', '"type automap|none"');
          const type = inner.value('automap or none', (r) => v.oneOf(r, ['automap', 'none'] as const));
          if (!inner.done) throw new PropertyError(`expected only "type automap|none" in source-address-translation { }, found "${itemsText([inner.peek()!])}"`);
          return type;
        },
      },
      'traffic-group': { syntax: 'traffic-group traffic-group-1', read: word('traffic-group-1', (r) => v.oneOf(r, ['traffic-group-1'] as const)) },
    },
    required: ['destination', 'ip-protocol', 'pool'],
    build: (name, p) => {
      const d = p.destination as { address: string; port: number };
      return {
        type: 'virtual',
        name,
        destination: d.address,
        port: d.port,
        protocol: p['ip-protocol'] as 'tcp',
        pool: p.pool as string,
        snat: (p['source-address-translation'] as 'none' | undefined) ?? 'none',
        trafficGroup: 'traffic-group-1',
      };
    },
  },
};

/** The accepted properties of a type, for messages. */
export const acceptedProperties = (type: ObjectType): string => Object.values(TYPES[type].properties).map((p) => p.syntax).join(', ');

/** Reads `<key> <value> ...` to the end of the items into the type's declaration. */
export function readObject(type: ObjectType, objectName: string, items: readonly Item[], at: number): ObjectDecl {
  const spec = TYPES[type];
  const w = new Words(items, at);
  const props: Props = {};
  while (!w.done) {
    const key = w.word('a property name');
    const prop = spec.properties[key];
    if (!prop) throw new PropertyError(`"${key}" is not a property this unit accepts here; accepted: ${acceptedProperties(type)}`);
    if (key in props) throw new PropertyError(`"${key}" is given twice`);
    try {
      props[key] = prop.read(w);
    } catch (e) {
      if (e instanceof PropertyError) throw new PropertyError(`${key}: ${e.message}`);
      throw e;
    }
  }
  const missing = spec.required.filter((k) => !(k in props));
  if (missing.length) throw new PropertyError(`missing ${missing.map((k) => `"${spec.properties[k]!.syntax}"`).join(', ')}`);
  return spec.build(objectName, props);
}
