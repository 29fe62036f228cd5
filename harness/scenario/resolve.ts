// Finds a scenario by name (scenarios/<name>.yaml) or by path, and lists the library.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCENARIOS_DIR } from '../core/paths.js';
import { SpecError } from '../core/errors.js';
import { loadScenarioFile } from '../spec/load.js';
import { distance } from 'fastest-levenshtein';
import type { ScenarioSpec } from '../spec/schema.js';

export function scenarioPath(nameOrPath: string): string {
  if (nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml') || nameOrPath.includes('/')) {
    const path = resolve(nameOrPath);
    if (!existsSync(path)) throw new SpecError([{ file: nameOrPath, field: '', message: 'no such file; give a scenario name from `overlab list` or a path to a .yaml file' }]);
    return path;
  }
  const path = join(SCENARIOS_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(path)) {
    const near = nearestNames(nameOrPath, scenarioNames());
    const hint = near.length ? `did you mean ${near.length > 1 ? `${near.slice(0, -1).join(', ')} or ${near[near.length - 1]}` : near[0]}? ` : '';
    throw new SpecError([{ file: nameOrPath, field: '', message: `no scenario named "${nameOrPath}"; ${hint}known: ${scenarioNames().join(', ')} (or give a path to a .yaml file)` }]);
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

/**
 * The known names nearest to a mistyped one by edit distance (ties all given, best first): within
 * a third of the name's length, at least 2, so "falover" finds failover and "xyz" finds nothing.
 * A name that a known one starts with ("vtep") offers those too.
 */
export function nearestNames(typed: string, known: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(typed.length / 3));
  const scored = known.map((name) => ({ name, d: distance(typed, name) })).filter((x) => x.d <= limit);
  const best = Math.min(...scored.map((x) => x.d));
  const nearest = scored.filter((x) => x.d === best).map((x) => x.name);
  const prefixed = typed.length >= 3 ? known.filter((n) => n.startsWith(typed) && !nearest.includes(n)) : [];
  return [...nearest, ...prefixed].slice(0, max);
}
