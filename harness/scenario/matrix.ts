// --matrix: a scenario's parameters crossed. Each `path=v1,v2` names a field of the scenario
// (flannel.vni, flannel.learning, bigip.profile.floodingType, ...) or `nodes=N` (the first N
// nodes, more made like the last when N is larger); every combination is a scenario of its own,
// checked like a file (a combination that is not valid is an error row, not a crash).
import type { ScenarioSpec } from '../spec/schema.js';
import { validateSpec } from '../spec/load.js';
import { SpecError, HarnessError } from '../core/errors.js';

export interface MatrixAxis {
  path: string;
  values: (string | number | boolean)[];
}

export interface Combination {
  /** e.g. `flannel.vni=1 nodes=5`. */
  label: string;
  spec?: ScenarioSpec;
  error?: Error;
}

const typed = (v: string): string | number | boolean => (v === 'true' ? true : v === 'false' ? false : /^-?\d+$/.test(v) ? Number(v) : v);

export function parseMatrix(words: readonly string[]): MatrixAxis[] {
  const axes = words.map((w) => {
    const m = /^([A-Za-z][\w.]*)=(.+)$/.exec(w);
    if (!m) throw new SpecError([{ file: '--matrix', field: w, message: 'expected path=value1,value2 (e.g. flannel.vni=0,1 or nodes=2,5)' }]);
    const values = m[2]!.split(',').filter((v) => v !== '').map(typed);
    if (values.length === 0) throw new SpecError([{ file: '--matrix', field: w, message: 'no values after =' }]);
    return { path: m[1]!, values };
  });
  const paths = axes.map((a) => a.path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice) throw new SpecError([{ file: '--matrix', field: twice, message: 'named twice; give one path=values per parameter' }]);
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > 256) throw new SpecError([{ file: '--matrix', field: paths.join(' '), message: `${count} combinations; at most 256 (use fewer values)` }]);
  return axes;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o: Record<string, unknown> = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) throw new HarnessError(`--matrix ${path}: the scenario has no ${keys.slice(0, keys.indexOf(k) + 1).join('.')} to set it in`);
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = value;
}

/** The first N nodes, or more made like the last: own name, default addresses, one pod. */
function withNodes(spec: ScenarioSpec, n: number): ScenarioSpec['nodes'] {
  if (n <= spec.nodes.length) return spec.nodes.slice(0, n);
  const extra = Array.from({ length: n - spec.nodes.length }, (_, i) => ({ name: `node${spec.nodes.length + i}`, pods: 1 }));
  return [...spec.nodes, ...extra] as ScenarioSpec['nodes'];
}

export function combinations(base: ScenarioSpec, axes: readonly MatrixAxis[]): Combination[] {
  let sets: [string, string | number | boolean][][] = [[]];
  for (const a of axes) sets = sets.flatMap((s) => a.values.map((v) => [...s, [a.path, v] as [string, string | number | boolean]]));
  const setsKey = axes.some((a) => a.path === 'bigip.tunnel.key');
  // Labels by each path's last word when those are unique (vni=1 learning=false), else whole.
  const last = axes.map((a) => a.path.split('.').pop()!);
  const short = new Set(last).size === last.length;
  return sets.map((set, i) => {
    const label = set.map(([p, v]) => `${short ? p.split('.').pop() : p}=${v}`).join(' ');
    try {
      const spec = structuredClone(base) as unknown as Record<string, unknown>;
      for (const [path, value] of set) {
        if (path === 'nodes') spec.nodes = withNodes(base, Number(value));
        else setPath(spec, path, value);
        // One VNI on both sides, as the field report's key 0 = VNI 0: a VNI the units do not share is a reproduction of its own.
        if (path === 'flannel.vni' && base.bigip && !setsKey && !base.reproduces) setPath(spec, 'bigip.tunnel.key', value);
      }
      spec.name = `${base.name}-m${i + 1}`;
      spec.description = `${base.name} with ${label}`;
      return { label, spec: validateSpec(spec, `${base.name} --matrix ${label}`) };
    } catch (e) {
      return { label, error: e as Error };
    }
  });
}
