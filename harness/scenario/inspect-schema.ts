// The JSON `overlab inspect <run> --output json` prints: a kept run's hosts as their kernels show
// them (interfaces with MACs, MTUs and addresses, VXLAN devices with VNI, local address and
// port), and each unit's failover status as the unit says it. Defined once in TypeBox; the
// committed inspect.schema.json is what this generates (test/unit/inspect.test.ts checks both).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { PROJECT_ROOT } from '../core/paths.js';

const Mac = Type.String({ pattern: '^([0-9a-f]{2}:){5}[0-9a-f]{2}$|^$', description: 'lower-case; empty for a link without one' });

const VxlanSchema = Type.Object(
  {
    vni: Type.Integer({ minimum: 0, maximum: 16777215 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    local: Type.Optional(Type.String({ description: 'the VTEP\'s source address' })),
    learning: Type.Boolean(),
  },
  { additionalProperties: false },
);

const InterfaceSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    mac: Mac,
    mtu: Type.Integer({ minimum: 0 }),
    up: Type.Boolean({ description: 'the administrative UP flag' }),
    kind: Type.Optional(Type.String({ description: 'vxlan, bridge, veth, ...' })),
    master: Type.Optional(Type.String({ description: 'the bridge it is a port of' })),
    addresses: Type.Array(Type.String({ description: 'address/prefix length' })),
    vxlan: Type.Optional(VxlanSchema),
  },
  { additionalProperties: false },
);

const HostSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'the name `overlab exec` takes' }),
    kind: Type.Union([Type.Literal('switch'), Type.Literal('node'), Type.Literal('pod'), Type.Literal('unit'), Type.Literal('client'), Type.Literal('service')]),
    location: Type.String({ description: 'where it lives (the namespace on netns)' }),
    interfaces: Type.Array(InterfaceSchema),
  },
  { additionalProperties: false },
);

const VtepSchema = Type.Object(
  {
    host: Type.String(),
    device: Type.String(),
    vni: Type.Integer({ minimum: 0 }),
    mac: Mac,
    local: Type.Optional(Type.String()),
    port: Type.Integer(),
  },
  { additionalProperties: false, description: 'every VXLAN device of the testbed, nodes\' and units\'' },
);

const UnitSchema = Type.Object(
  {
    name: Type.String(),
    failoverStatus: Type.Union([Type.Literal('ACTIVE'), Type.Literal('STANDBY'), Type.Literal('OFFLINE'), Type.Literal('FORCED OFFLINE'), Type.Literal('UNKNOWN')], { description: '`show cm failover-status`, read from the unit' }),
  },
  { additionalProperties: false },
);

export const InspectSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    runId: Type.String({ minLength: 1 }),
    scenario: Type.String({ minLength: 1 }),
    provider: Type.String({ minLength: 1 }),
    runDir: Type.String(),
    hosts: Type.Array(HostSchema),
    vteps: Type.Array(VtepSchema),
    units: Type.Array(UnitSchema),
    activeUnit: Type.Union([Type.String(), Type.Null()], { description: 'the one unit that says it is ACTIVE; null when none or more than one does' }),
  },
  { additionalProperties: false, title: 'overlab inspect', description: '`overlab inspect <run> --output json`: a run that is up, as its hosts and units show it now' },
);

export type InspectView = Static<typeof InspectSchema>;
export type InspectHost = Static<typeof HostSchema>;

export function inspectSchemaDocument(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'overlab/inspect.schema.json', ...(InspectSchema as unknown as Record<string, unknown>) };
}

export const inspectSchemaText = (): string => JSON.stringify(inspectSchemaDocument(), null, 2) + '\n';

/** Where the schema is committed; `node dist/harness/scenario/inspect-schema.js` writes it again. */
export const INSPECT_SCHEMA_FILE = join(PROJECT_ROOT, 'harness', 'scenario', 'inspect.schema.json');

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(INSPECT_SCHEMA_FILE, inspectSchemaText());
  console.log(`wrote ${INSPECT_SCHEMA_FILE}`);
}
