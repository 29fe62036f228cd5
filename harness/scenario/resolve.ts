// Finds a scenario by name (scenarios/<name>.yaml) or by path, and lists the library.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCENARIOS_DIR } from '../core/paths.js';
import { SpecError } from '../core/errors.js';
import { loadScenarioFile } from '../spec/load.js';
import type { ScenarioSpec } from '../spec/schema.js';

export function scenarioPath(nameOrPath: string): string {
  if (nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml') || nameOrPath.includes('/')) {
    const path = resolve(nameOrPath);
    if (!existsSync(path)) throw new SpecError([{ file: nameOrPath, field: '', message: 'no such file; give a scenario name from `overlab list` or a path to a .yaml file' }]);
    return path;
  }
  const path = join(SCENARIOS_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(path)) {
    throw new SpecError([{ file: nameOrPath, field: '', message: `no scenario named "${nameOrPath}"; known: ${scenarioNames().join(', ')} (or give a path to a .yaml file)` }]);
  }
  return path;
}

export function loadScenario(nameOrPath: string): ScenarioSpec {
  return loadScenarioFile(scenarioPath(nameOrPath));
}

export function scenarioNames(): string[] {
  return readdirSync(SCENARIOS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}
