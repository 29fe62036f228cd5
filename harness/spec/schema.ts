// The scenario file format, defined once: TypeBox gives the TypeScript types, the validator,
// and the JSON Schema that editors use (scenarios/scenario.schema.json is generated from this).
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';

const Name = Type.String({
  pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  maxLength: 20,
  description: 'lower-case letters, digits and single dashes, starting with a letter, at most 20 characters',
});
/** A VXLAN network identifier: 24 bits. */
const vni = (description: string) => Type.Integer({ minimum: 0, maximum: 16777215, description });
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const ipv4 = (description = 'an IPv4 address such as 10.169.72.127') =>
  Type.String({ pattern: `^(${OCTET}\\.){3}${OCTET}$`, description });
const cidr = (description = 'an IPv4 prefix such as 10.217.0.0/24') =>
  Type.String({ pattern: `^(${OCTET}\\.){3}${OCTET}/([0-9]|[12][0-9]|3[0-2])$`, description });
const Ipv4 = ipv4();
const Cidr = cidr();
const Mac = Type.String({ pattern: '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$', description: 'a lower-case MAC address such as 02:00:0a:a9:48:7f' });
const Mtu = Type.Integer({ minimum: 576, maximum: 9000, description: 'link MTU in bytes' });

export const PodSpecSchema = Type.Object(
  {
    name: Name,
    ip: Type.Optional(ipv4('the pod address; default: the next free address of the node podCIDR, from .2')),
    mac: Type.Optional(Mac),
    mtu: Type.Optional(Mtu),
  },
  { additionalProperties: false },
);

export const NodeSpecSchema = Type.Object(
  {
    name: Name,
    role: Type.Optional(Type.Union([Type.Literal('master'), Type.Literal('worker')], { default: 'worker' })),
    underlayIp: Type.Optional(ipv4('the node underlay address; default: the next free address of the underlay, from .10')),
    podCidr: Type.Optional(cidr('the node podCIDR; default: the Nth /24 of flannel.network')),
    vtepMac: Type.Optional(Mac),
    pods: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 250, description: 'this many pods named pod0, pod1, ...' }), Type.Array(PodSpecSchema)]),
    ),
  },
  { additionalProperties: false },
);

export const UnderlaySchema = Type.Object(
  {
    cidr: Cidr,
    mtu: Type.Optional(Mtu),
  },
  { additionalProperties: false },
);

export const FlannelSchema = Type.Object(
  {
    network: Cidr,
    vni: vni('VXLAN network identifier; the VTEP is named flannel.<vni>'),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 8472, description: 'VXLAN UDP destination port' })),
    learning: Type.Boolean({ description: "data-plane learning on the VTEP (flannel's Backend Learning option, off by default upstream)" }),
    bridged: Type.Boolean({ description: 'enslave flannel.<vni> to cni0 (the field report\'s step 3)' }),
    mtu: Type.Optional(Mtu),
    ipv6: Type.Optional(Type.Boolean({ description: 'generate IPv6 link-local addresses (off: link-local multicast hides learning problems)' })),
    agent: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z0-9-]*$',
        description: "who programs flannel's state on the nodes: flanneld (upstream, with an etcd member of the run's own) or emulated (the harness plays flanneld). Left out: flanneld on netns where it is installed, else emulated",
      }),
    ),
  },
  { additionalProperties: false },
);

export const AssertionIdSchema = Type.Union([
  Type.Literal('reachability'),
  Type.Literal('mtu'),
  Type.Literal('pmtu'),
  Type.Literal('flannel-control-plane'),
  Type.Literal('fdb-learning'),
  Type.Literal('failover'),
  Type.Literal('pcap'),
]);

// ---- BIG-IP, in BIG-IP's own terms (seeds/000) ----

const PodRef = Type.String({ pattern: '^[a-z][a-z0-9-]*/[a-z][a-z0-9-]*$', description: 'a pod as node/pod, e.g. master/nginx' });

export const UnitSchema = Type.Object(
  {
    name: Name,
    underlaySelfIp: ipv4('the unit\'s non-floating self IP on the underlay VLAN (the tunnel\'s local-address)'),
    externalSelfIp: ipv4('the unit\'s non-floating self IP on the external VLAN'),
    tunnelSelfIp: cidr('the unit\'s self IP on the tunnel, with its prefix, e.g. 10.217.31.36/16'),
    tunnelMac: Type.Optional(Mac),
    flannelNode: Type.Optional(
      Type.Object(
        { podCidr: cidr('the podCIDR of the unit\'s flannel node (F5\'s "dummy Node")') },
        { additionalProperties: false, description: 'register the unit as a flannel node: every node gets a route, a permanent neighbour and a permanent FDB entry for it' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const VirtualServerSchema = Type.Object(
  {
    name: Name,
    destination: ipv4('the virtual address (floating, in traffic-group-1) on the external VLAN'),
    tcpPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 80 })),
    udpPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 7, description: 'UDP port of the echo service' })),
    pool: Type.Array(PodRef, { minItems: 1, description: 'pool members as node/pod' }),
    snat: Type.Optional(Type.Literal('automap', { description: 'source address translation to the unit\'s tunnel self IP' })),
  },
  { additionalProperties: false },
);

export const BigipSchema = Type.Object(
  {
    device: Type.Optional(
      Type.String({ pattern: '^[a-z][a-z0-9-]*$', default: 'sim', description: 'what realises the units: sim (the Linux stand-in) or tmsh (units driven with tmsh: a BIG-IP VE over SSH, or the stand-in\'s tmsh face); see `overlab doctor`' }),
    ),
    external: Type.Object({ cidr: Cidr }, { additionalProperties: false, description: 'the external VLAN where clients and virtual addresses live' }),
    units: Type.Array(UnitSchema, { minItems: 1, maxItems: 2 }),
    profile: Type.Object(
      {
        name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,30}$' }),
        floodingType: Type.Union([Type.Literal('none'), Type.Literal('multipoint')], { description: 'multipoint: BUM frames go to every VTEP' }),
        port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 8472 })),
      },
      { additionalProperties: false, description: 'net tunnels vxlan <name>' },
    ),
    tunnel: Type.Object(
      {
        name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,14}$', description: 'net tunnels tunnel <name>; also the Linux device name, so at most 15 characters' }),
        key: vni('the VNI'),
        localAddress: Type.Union([Type.Literal('self'), Type.Literal('floating')], { description: 'self: each unit\'s non-floating underlay self IP; floating: a floating address in traffic-group-1' }),
        trafficGroup: Type.Union([Type.Literal('traffic-group-local-only'), Type.Literal('traffic-group-1'), Type.Literal('none')], {
          description: 'traffic-group-local-only: active on both units (the field fix); traffic-group-1: on the active unit only, moves at failover; none: the BIG-IP default, which the field report says did not work',
        }),
        mtu: Type.Optional(Mtu),
      },
      { additionalProperties: false },
    ),
    floatingSelfIps: Type.Optional(
      Type.Array(
        Type.Object(
          { address: cidr('a floating self IP in traffic-group-1, with its prefix'), vlan: Type.Union([Type.Literal('tunnel'), Type.Literal('underlay'), Type.Literal('external')]) },
          { additionalProperties: false },
        ),
      ),
    ),
    staticFdb: Type.Boolean({ description: 'node VTEP MACs as static FDB records on the tunnel (Dynamic no), as CIS writes them' }),
    cisStaticArp: Type.Boolean({ description: 'CIS writes static ARP entries pod IP -> node VTEP MAC (the behaviour the field fix disables)' }),
    configsync: Type.Optional(Type.Boolean({ description: 'iptunnel.configsync; the reference disables it' })),
    ha: Type.Object({ active: Name }, { additionalProperties: false, description: 'the unit that is active at boot' }),
    virtualServers: Type.Array(VirtualServerSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** A step that is a mapping of one field, its kind, which holds the step's own fields. */
function stepKind<K extends string, P extends TProperties>(kind: K, fields: P, description: string) {
  return Type.Object({ [kind]: Type.Object(fields, { additionalProperties: false, description }) } as { [k in K]: TObject<P> }, { additionalProperties: false });
}

export const StepSchema = Type.Union([
  Type.Literal('boot'),
  Type.Literal('configure'),
  Type.Literal('traffic-start'),
  Type.Object({ warmup: Type.Integer({ minimum: 0, maximum: 60000, description: 'ms of traffic before going on' }) }, { additionalProperties: false }),
  Type.Object({ snapshot: Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'a label such as before or after' }) }, { additionalProperties: false }),
  Type.Literal('failover'),
  Type.Object(
    { converge: Type.Object({ timeoutMs: Type.Integer({ minimum: 10, maximum: 60000 }) }, { additionalProperties: false, description: 'wait until probes through the VIP are answered again' }) },
    { additionalProperties: false },
  ),
  stepKind(
    'restart-flanneld',
    {
      node: Name,
      recreateVtep: Type.Optional(Type.Boolean({ default: false, description: 'delete flannel.<VNI> while flanneld is stopped: it makes a new one, with a new VtepMAC' })),
    },
    'stop flanneld on a node and start it again (flannel.agent: flanneld); flannel.<VNI> goes back into cni0 afterwards, as the field procedure does',
  ),
  stepKind(
    'exec',
    {
      host: Type.String({ pattern: '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)?$', description: 'a node, or node.pod' }),
      argv: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 32, description: 'the command and its arguments, run without a shell' }),
    },
    'an operator\'s command on a node or pod (a workaround, a repair); it must exit 0',
  ),
  stepKind('node-leave', { node: Name }, 'a node leaves: its flanneld stopped, its lease deleted from etcd, its underlay link down (flannel.agent: flanneld)'),
  stepKind(
    'bigip-tunnel-key',
    { key: vni('the VNI the units\' tunnel carries from now on') },
    'modify net tunnels tunnel <t> key <key> on both units, as an operator does when flannel\'s VNI changes; everything else of the tunnel stays (needs a bigip section)',
  ),
  stepKind(
    'bigip-forget-node',
    { node: Name },
    'CIS catches up with a node that left: its FDB records, the static ARP of its pods and its pods as pool members removed from both units (needs a bigip section)',
  ),
  stepKind(
    'flannel-vni',
    { vni: vni('the VNI flannel\'s network config says from now on') },
    'rewrite the VNI in flannel\'s network config (etcd) and restart flanneld on every node, one after the other (flannel.agent: flanneld)',
  ),
  stepKind(
    'delete-vtep',
    { node: Name },
    'delete flannel.<VNI> on a node while the agent runs (a device lost under a running flanneld); if the agent makes it again, it goes back into cni0',
  ),
  Type.Literal('traffic-stop'),
  Type.Literal('assert'),
  Type.Literal('teardown'),
]);

export const ScenarioSpecSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Name,
    description: Type.Optional(Type.String()),
    group: Type.Optional(
      Type.Union([Type.Literal('reference'), Type.Literal('baseline'), Type.Literal('reproduction')], { description: 'how `overlab list` groups it' }),
    ),
    provider: Type.Optional(Type.Union([Type.Literal('netns')], { default: 'netns' })),
    underlay: UnderlaySchema,
    flannel: FlannelSchema,
    nodes: Type.Array(NodeSpecSchema, { minItems: 1, maxItems: 250 }),
    assertions: Type.Optional(Type.Array(AssertionIdSchema, { uniqueItems: true })),
    bigip: Type.Optional(BigipSchema),
    client: Type.Optional(Type.Object({ ip: ipv4('the client\'s address on the external VLAN') }, { additionalProperties: false })),
    traffic: Type.Optional(
      Type.Object(
        {
          intervalMs: Type.Integer({ minimum: 1, maximum: 1000, description: 'one UDP probe to the VIP every this many ms' }),
          tcpIntervalMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 5000, description: 'one TCP connect to the VIP every this many ms' })),
        },
        { additionalProperties: false },
      ),
    ),
    failover: Type.Optional(
      Type.Object({ maxOutageMs: Type.Integer({ minimum: 1, maximum: 60000, description: 'the scenario passes when traffic recovers within this' }) }, { additionalProperties: false }),
    ),
    reproduces: Type.Optional(
      Type.Object(
        {
          symptom: Type.String({ description: 'what the field saw' }),
          rootCause: Type.String(),
          fix: Type.String(),
          shows: Type.Union([Type.Literal('before-failover'), Type.Literal('after-failover'), Type.Literal('after-fault'), Type.Literal('not-on-this-provider')], {
            description: 'before-failover: the configuration never works; after-failover: it works until failover (the field failure proper); after-fault: it works until another fault of the scenario (a flanneld restart)',
          }),
          expectFailed: Type.Array(Type.String({ description: 'an assertion id, or a prefix ending in *' }), {
            description: 'exactly the assertions that must fail: the run is `reproduced` when each pattern matches a failed assertion and every failed assertion matches a pattern',
          }),
          notReproducible: Type.Optional(Type.String({ description: 'why this provider cannot show the symptom; the status is then not-reproducible' })),
        },
        { additionalProperties: false, description: 'this scenario reproduces a known failure' },
      ),
    ),
    capture: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean({ default: true, description: 'capture every node\'s and unit\'s underlay interface' })),
          maxPackets: Type.Optional(Type.Integer({ minimum: 10, maximum: 10000000, default: 200000, description: 'tcpdump -c: each capture stops after this many packets' })),
          extra: Type.Optional(
            Type.Array(
              Type.Object(
                { host: Type.String({ pattern: '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)?$', description: 'a node, unit, client, or node.pod' }), interface: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,15}$' }) },
                { additionalProperties: false },
              ),
              { description: 'more interfaces to capture, e.g. {host: master, interface: cni0} or {host: master.nginx, interface: eth0}' },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    steps: Type.Optional(Type.Array(StepSchema, { description: 'the order of the run; default: boot, configure, assert, teardown' })),
    readiness: Type.Optional(
      Type.Object({ timeoutMs: Type.Integer({ minimum: 100, maximum: 60000, description: 'how long to wait for the first cross-node ping' }) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false, $id: 'https://overlab.dev/scenario.schema.json', title: 'overlab scenario' },
);

export type ScenarioSpec = Static<typeof ScenarioSpecSchema>;
export type NodeSpec = Static<typeof NodeSpecSchema>;
export type PodSpec = Static<typeof PodSpecSchema>;
export type AssertionId = Static<typeof AssertionIdSchema>;
export type BigipSpec = Static<typeof BigipSchema>;
export type UnitSpec = Static<typeof UnitSchema>;
export type VirtualServerSpec = Static<typeof VirtualServerSchema>;
export type StepSpec = Static<typeof StepSchema>;
