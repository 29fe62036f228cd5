// Writes harness/report/report.schema.json from the TypeBox definition in schema.ts:
//   npx tsc -p . && node dist/harness/report/write-schema.js
// test/unit/report-schema.test.ts fails when the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../core/paths.js';
import { reportSchemaDocument } from './schema.js';

export const REPORT_SCHEMA_FILE = join(PROJECT_ROOT, 'harness', 'report', 'report.schema.json');

export function reportSchemaText(): string {
  return JSON.stringify(reportSchemaDocument(), null, 2) + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(REPORT_SCHEMA_FILE, reportSchemaText());
  console.log(`wrote ${REPORT_SCHEMA_FILE}`);
}
