// The scenario file format, defined once: TypeBox gives the TypeScript types, the validator,
// and the JSON Schema that editors use (scenarios/scenario.schema.json is generated from this).
import { Type, type Static } from '@sinclair/typebox';

const Name = Type.String({
  pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  maxLength: 20,
  description: 'lower-case letters, digits and single dashes, starting with a letter, at most 20 characters',
});
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
    vni: Type.Integer({ minimum: 0, maximum: 16777215, description: 'VXLAN network identifier; the VTEP is named flannel.<vni>' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 8472, description: 'VXLAN UDP destination port' })),
    learning: Type.Boolean({ description: 'data-plane learning on the VTEP (flannel hard-codes nolearning)' }),
    bridged: Type.Boolean({ description: 'enslave flannel.<vni> to cni0 (the field report\'s step 3)' }),
    mtu: Type.Optional(Mtu),
    ipv6: Type.Optional(Type.Boolean({ description: 'generate IPv6 link-local addresses (off: link-local multicast hides learning problems)' })),
  },
  { additionalProperties: false },
);

export const AssertionIdSchema = Type.Union([
  Type.Literal('reachability'),
  Type.Literal('mtu'),
  Type.Literal('pmtu'),
  Type.Literal('flannel-control-plane'),
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
