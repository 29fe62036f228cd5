// The JSON Schema of report.json (design.md §4), defined once in TypeBox. The published file
// harness/report/report.schema.json is generated from this (`node dist/harness/report/write-schema.js`;
// a unit test fails when it is stale), and `overlab report` checks a report.json with it before
// rendering. The TypeScript interfaces in types.ts must agree: the checks at the end of this file
// fail the build when a field's type or a status value differs between the two.
//
// Objects allow additional properties: the contract is "add fields freely", so a dashboard that
// validates with this schema keeps working when a newer overlab adds a field. The report tests
// validate with a strict copy (strictSchema) so that every field overlab writes is described here.
import { Type, type Static } from '@sinclair/typebox';
import type { AssertionResult } from '../assert/types.js';
import type { PcapArtifact, PhaseRecord, RunReport } from './types.js';

const ISO_8601 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const MAC = '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$';
const Ms = (description: string) => Type.Number({ minimum: 0, description });

export const PhaseRecordSchema = Type.Object(
  {
    name: Type.String({ description: 'the step as the scenario lists it: boot, configure, "warmup 300 ms", "snapshot before", teardown, ...' }),
    durationMs: Ms('wall-clock duration of the phase'),
    status: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('error'), Type.Literal('skipped')]),
  },
  { description: 'one step of the run, in the order it ran' },
);

export const AssertionResultSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'stable id: the check, then [subject@label] when it is judged per subject, e.g. reachability[pod-to-pod@after]' }),
    title: Type.String({ description: 'one line saying what is checked' }),
    status: Type.Union([Type.Literal('passed'), Type.Literal('failed')]),
    expected: Type.String(),
    actual: Type.String(),
    evidence: Type.Array(Type.String(), { description: 'the evidence files read, relative to the run directory' }),
    durationMs: Type.Optional(Type.Number({ minimum: 0, description: 'the time of the probes and reads that judged it, in ms (results judged together share it); JUnit testcase time' })),
  },
  { description: 'the verdict of one assertion' },
);

export const PcapArtifactSchema = Type.Object({
  node: Type.String({ description: 'the host the capture ran in' }),
  interface: Type.String(),
  path: Type.String({ description: 'the capture file, relative to the run directory' }),
  packets: Type.Integer({ minimum: -1, description: 'packets captured; -1 when tcpdump did not say' }),
  flows: Type.Optional(
    Type.Array(
      Type.Object({ src: Type.String(), dst: Type.String(), packets: Type.Integer({ minimum: 0 }), bytes: Type.Integer({ minimum: 0 }), vnis: Type.Array(Type.Integer({ minimum: 0 })) }),
      { description: 'VXLAN packets and bytes per VTEP pair (outer source and destination), from the pcap reader' },
    ),
  ),
  summary: Type.Optional(Type.String({ description: "the capture's summary (evidence/pcap-<node>-<interface>.json), relative to the run directory" })),
});

const PodSchema = Type.Object({ name: Type.String(), ip: Type.String(), mac: Type.String({ pattern: MAC }), mtu: Type.Optional(Type.Integer({ minimum: 68 })) });

export const TopologySchema = Type.Object(
  {
    nodes: Type.Array(
      Type.Object({
        name: Type.String(),
        role: Type.String({ description: 'master or worker' }),
        underlayIp: Type.String(),
        vtepMac: Type.String({ pattern: MAC }),
        podCidr: Type.String(),
        pods: Type.Optional(Type.Array(PodSchema)),
      }),
    ),
    bigips: Type.Array(
      Type.Object({
        name: Type.String(),
        underlayIp: Type.String(),
        tunnelMac: Type.String({ pattern: MAC }),
        tunnelSelfIp: Type.String({ description: 'with its prefix length, e.g. 10.217.31.36/16' }),
        haState: Type.Union([Type.Literal('active'), Type.Literal('standby')], { description: 'as observed at the end of the run' }),
        externalIp: Type.Optional(Type.String()),
      }),
    ),
    underlay: Type.Optional(Type.Object({ cidr: Type.String(), mtu: Type.Integer() })),
    flannel: Type.Optional(
      Type.Object({
        network: Type.String(),
        vni: Type.Integer({ minimum: 0 }),
        port: Type.Integer({ minimum: 1, maximum: 65535 }),
        device: Type.String({ description: 'the node VTEP, flannel.<vni>' }),
        learning: Type.Boolean(),
        bridged: Type.Boolean({ description: 'the VTEP is a port of cni0' }),
        mtu: Type.Integer(),
      }),
    ),
    tunnel: Type.Optional(
      Type.Object({
        name: Type.String(),
        key: Type.Integer({ minimum: 0 }),
        mtu: Type.Integer(),
        profile: Type.String(),
        floodingType: Type.String(),
        localAddress: Type.Optional(Type.Union([Type.Literal('self'), Type.Literal('floating')], { description: "self: each unit's non-floating underlay self IP; floating: traffic-group-1's floating one" })),
        trafficGroup: Type.Optional(Type.String({ description: 'the traffic group the tunnel is in' })),
      }),
    ),
    floatingSelfIps: Type.Optional(
      Type.Array(Type.Object({ address: Type.String({ description: 'with its prefix length' }), vlan: Type.String({ description: 'tunnel, underlay or external' }) }), {
        description: 'the floating self IPs of traffic-group-1 as planned (empty: none); the unit that holds traffic-group-1 serves them',
      }),
    ),
    external: Type.Optional(Type.Object({ cidr: Type.String() })),
    client: Type.Optional(Type.Object({ ip: Type.String() })),
    virtualServers: Type.Optional(
      Type.Array(Type.Object({ name: Type.String(), destination: Type.String(), tcpPort: Type.Integer(), udpPort: Type.Integer(), pool: Type.Array(Type.String({ description: 'node/pod' })) })),
    ),
  },
  { description: 'the testbed as planned; haState as observed' },
);

export const RunReportSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    scenario: Type.String({ minLength: 1 }),
    provider: Type.String({ minLength: 1, description: 'netns, docker, kind, vagrant or ssh' }),
    agent: Type.Optional(
      Type.Object(
        {
          kind: Type.String({ description: 'who programmed flannel: emulated (the harness) or flanneld (upstream, with etcd)' }),
          flanneld: Type.Optional(Type.String({ description: 'flanneld --version' })),
          etcd: Type.Optional(Type.String({ description: 'etcd --version' })),
        },
        { description: 'the flannel agent of the run, and the versions of its daemons' },
      ),
    ),
    runId: Type.String({ minLength: 1 }),
    warnings: Type.Optional(Type.Array(Type.String(), { description: "the scenario's warnings, printed as the run started (a pod MTU above the overlay's, a VTEP MTU above the underlay's minus 50; none in a reproduction): never blocking" })),
    status: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('reproduced'), Type.Literal('not-reproducible'), Type.Literal('error'), Type.Literal('kept')], {
      description: 'passed; failed (an assertion failed); reproduced (a scenario that declares a known failure showed it); not-reproducible (such a scenario, on a provider that cannot show it); error (the harness could not run); kept (booted and left up without a check: overlab up)',
    }),
    kept: Type.Optional(Type.Object({ down: Type.String({ description: 'the command that removes it' }) }, { description: 'the testbed was left up after the run (overlab up, scenario --keep)' })),
    reproduction: Type.Optional(
      Type.Object(
        {
          symptom: Type.String(),
          rootCause: Type.String(),
          fix: Type.String(),
          shows: Type.String(),
          expectFailed: Type.Array(Type.String()),
          notReproducible: Type.Optional(Type.String()),
          verdict: Type.String(),
        },
        { description: 'present for scenarios that reproduce a known failure' },
      ),
    ),
    startedAt: Type.String({ pattern: ISO_8601, description: 'ISO-8601' }),
    durationMs: Ms('the whole run, preflight to report'),
    phases: Type.Array(PhaseRecordSchema),
    topology: TopologySchema,
    assertions: Type.Array(AssertionResultSchema),
    metrics: Type.Record(Type.String(), Type.Number(), {
      description: 'bootMs, testbedReadyMs, readyProbeMs, failoverOutageMs (only when traffic recovered; see failover.recovered), failoverCommandMs, convergeWaitMs, probesSent, probesLost, probesLostInGap, teardownMs, ...',
    }),
    failover: Type.Optional(
      Type.Object(
        {
          recovered: Type.Boolean({ description: 'traffic through the VIP came back after the failover' }),
          outageMs: Type.Optional(Type.Number({ minimum: 0, description: 'last good reply before the gap to the first after it (absent when never recovered)' })),
        },
        { additionalProperties: false, description: 'the failover check\'s outcome, present when a run judged a failover' },
      ),
    ),
    artifacts: Type.Object(
      {
        pcaps: Type.Array(PcapArtifactSchema),
        html: Type.Optional(Type.String({ description: 'report.html, relative to the run directory' })),
        junit: Type.Optional(Type.String({ description: 'junit.xml, relative to the run directory' })),
        bundle: Type.Optional(Type.String({ description: 'the .tar.gz of the run directory, relative to it (../<runId>.tar.gz)' })),
      },
      { description: 'files of the run; paths relative to the run directory' },
    ),
    description: Type.Optional(Type.String({ description: "the scenario file's description" })),
    error: Type.Optional(Type.Object({ name: Type.String(), message: Type.String() }, { description: 'why the harness could not run (status error)' })),
    runDir: Type.String({ minLength: 1, description: 'absolute path of the run directory when the report was written' }),
  },
  { title: 'overlab report.json', description: 'reports/<scenario>/<run-id>/report.json (design.md §4). Fields are added freely; none is ever renamed.' },
);

/** The published JSON Schema document (draft-07). */
export function reportSchemaDocument(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'overlab/report.schema.json', ...(RunReportSchema as unknown as Record<string, unknown>) };
}

/** A copy of a schema in which every object that does not say otherwise forbids unknown properties. */
export function strictSchema<T>(schema: T): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v);
    if (out.type === 'object' && out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };
  return walk(schema) as T;
}

// ---- the interfaces in types.ts and this schema describe the same values ----
// Each line fails to compile when a field, a type or an allowed value differs: change both.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(_: T): void => undefined;
agree<Mutual<Static<typeof RunReportSchema>, RunReport>>(true);
agree<Mutual<Static<typeof PhaseRecordSchema>, PhaseRecord>>(true);
agree<Mutual<Static<typeof AssertionResultSchema>, AssertionResult>>(true);
agree<Mutual<Static<typeof PcapArtifactSchema>, PcapArtifact>>(true);
