// The report.json schema: the committed harness/report/report.schema.json is what schema.ts
// generates, it is a valid draft-07 schema that an independent validator (ajv) accepts, and it
// tells a good report from a broken one. Real reports are validated in
// test/integration/report.test.ts.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { reportSchemaDocument, strictSchema } from '../../harness/report/schema.js';
import { reportSchemaText } from '../../harness/report/write-schema.js';
import type { RunReport } from '../../harness/report/types.js';
import { FAILOVER_TOPOLOGY, sampleReport } from '../helpers/report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SCHEMA_FILE = join(ROOT, 'harness', 'report', 'report.schema.json');

function validator(strict: boolean) {
  const ajv = new AjvModule.default({ allErrors: true, strict: true });
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  return ajv.compile(strict ? strictSchema(schema) : schema);
}

const good = (): RunReport =>
  sampleReport({
    status: 'failed',
    topology: {
      ...FAILOVER_TOPOLOGY,
      nodes: [{ ...FAILOVER_TOPOLOGY.nodes[0]!, pods: [{ name: 'nginx', ip: '10.217.0.22', mac: '0a:58:0a:d9:00:16', mtu: 1450 }] }],
      bigips: [{ ...FAILOVER_TOPOLOGY.bigips[0]!, externalIp: '10.1.10.36' }],
    },
    assertions: [{ id: 'failover', title: 't', status: 'failed', expected: 'e', actual: 'a', evidence: ['evidence/failover-outage.json'], durationMs: 3.2 }],
    metrics: { bootMs: 82.8 },
    failover: { recovered: false },
    artifacts: { pcaps: [{ node: 'master', interface: 'eth0', path: 'pcaps/master-eth0.pcap', packets: 256 }], html: 'report.html', junit: 'junit.xml', bundle: '../abc123.tar.gz' },
    description: 'd',
  });

test('report.schema.json is up to date with harness/report/schema.ts (node dist/harness/report/write-schema.js)', (t) => {
  t.is(readFileSync(SCHEMA_FILE, 'utf8'), reportSchemaText());
  t.deepEqual(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')), JSON.parse(JSON.stringify(reportSchemaDocument())));
});

test('the schema names every field of the design.md §4 contract as required', (t) => {
  const schema = reportSchemaDocument() as { required: string[]; properties: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
  for (const field of ['schemaVersion', 'scenario', 'provider', 'runId', 'status', 'startedAt', 'durationMs', 'phases', 'topology', 'assertions', 'metrics', 'artifacts']) t.true(schema.required.includes(field), field);
  t.deepEqual(schema.properties.topology?.required, ['nodes', 'bigips']);
  t.deepEqual(schema.properties.artifacts?.required, ['pcaps']);
});

test('a complete report validates, strictly too; the published schema accepts fields added later', (t) => {
  const validate = validator(false);
  const strict = validator(true);
  t.true(validate(good()), JSON.stringify(validate.errors));
  t.true(strict(good()), JSON.stringify(strict.errors));
  const newer = { ...good(), someFutureField: { x: 1 } };
  t.true(validate(newer), 'dashboards keep validating newer reports');
  t.false(strict(newer), 'the strict copy makes the tests notice an undocumented field');
});

test('broken reports are rejected with the field named', (t) => {
  const validate = validator(false);
  const cases: [string, (r: Record<string, unknown>) => void, string][] = [
    ['renamed field', (r) => { r.run_id = r.runId; delete r.runId; }, "must have required property 'runId'"],
    ['unknown status', (r) => { r.status = 'ok'; }, '/status'],
    ['bad startedAt', (r) => { r.startedAt = 'yesterday'; }, '/startedAt'],
    ['negative duration', (r) => { r.durationMs = -3; }, '/durationMs'],
    ['assertion without expected', (r) => { delete (r.assertions as Record<string, unknown>[])[0]!.expected; }, '/assertions/0'],
    ['metric that is not a number', (r) => { (r.metrics as Record<string, unknown>).bootMs = '82 ms'; }, '/metrics/bootMs'],
    ['bad MAC', (r) => { ((r.topology as { nodes: Record<string, unknown>[] }).nodes[0]!).vtepMac = '02-0f'; }, '/topology/nodes/0/vtepMac'],
    ['schema version 2', (r) => { r.schemaVersion = 2; }, '/schemaVersion'],
    ['failover recovered as a magic number', (r) => { r.failover = { recovered: -1 }; }, '/failover/recovered'],
    ['negative outage', (r) => { r.failover = { recovered: true, outageMs: -1 }; }, '/failover/outageMs'],
    ['negative assertion time', (r) => { (r.assertions as Record<string, unknown>[])[0]!.durationMs = -5; }, '/assertions/0/durationMs'],
  ];
  for (const [what, mutate, where] of cases) {
    const r = good() as unknown as Record<string, unknown>;
    mutate(r);
    t.false(validate(r), what);
    const text = JSON.stringify(validate.errors);
    t.true(text.includes(where), `${what}: ${text}`);
  }
});
