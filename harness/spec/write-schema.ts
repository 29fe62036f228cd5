// Writes scenarios/scenario.schema.json from the TypeBox definition (`npm run schema`), so
// editors complete and check scenario files against exactly what the loader accepts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioSpecSchema } from './schema.js';
import { SCENARIOS_DIR } from '../core/paths.js';

export const SCHEMA_FILE = join(SCENARIOS_DIR, 'scenario.schema.json');

export function schemaText(): string {
  return JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...ScenarioSpecSchema }, null, 2) + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SCHEMA_FILE, schemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
