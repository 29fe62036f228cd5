// <run dir>/run-spec.json: the scenario as the run resolved it, its provider and their options,
// written when the run opens. A later process (overlab failover, traffic, snapshot, check,
// inspect, exec) plans the same scenario from it and gets the same names for the same run id.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioSpec } from '../spec/schema.js';
import type { ProviderOptions } from '../providers/types.js';
import { HarnessError } from '../core/errors.js';

export const RUN_SPEC_FILE = 'run-spec.json';

export interface RunSpec {
  spec: ScenarioSpec;
  provider: string;
  providerOptions?: ProviderOptions;
  /** The inventory of real BIG-IP units, when the run drove VEs. */
  bigipInventory?: string;
}

export function writeRunSpec(runDir: string, runSpec: RunSpec): void {
  writeFileSync(join(runDir, RUN_SPEC_FILE), JSON.stringify(runSpec, null, 2) + '\n');
}

export function readRunSpec(runDir: string, runId: string): RunSpec {
  const file = join(runDir, RUN_SPEC_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new HarnessError(`run ${runId} has no ${file}: it was started by an older overlab, which did not keep its scenario; tear it down (\`overlab down ${runId}\`) and start it again with \`overlab up\` or \`overlab scenario --keep\``, { file });
  }
  return JSON.parse(text) as RunSpec;
}
