// Scenario files: YAML → validated ScenarioSpec. Every problem names the file, the line, the
// field path and what is allowed; all problems are reported at once.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { ScenarioSpecSchema, type ScenarioSpec } from './schema.js';
import { SpecError, type SpecProblem } from '../core/errors.js';
import { checkSemantics } from './semantics.js';
import { describeSchemaError } from './describe.js';

export function loadScenarioFile(file: string): ScenarioSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SpecError([{ file, field: '', message: `cannot read the scenario file: ${(cause as Error).message}` }]);
  }
  return parseScenario(text, file);
}

/** `pointer` is a JSON pointer such as /nodes/2/name; returns `nodes[2].name`. */
export function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function lineOf(doc: Document, counter: LineCounter, path: readonly (string | number)[]): number | undefined {
  // Walk up until a node exists: a missing field is reported on its parent's line.
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function pathOf(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg.replace(/~1/g, '/').replace(/~0/g, '~')));
}

export function parseScenario(text: string, file: string): ScenarioSpec {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      // linePos is only filled in with prettyErrors; the offset always is.
      doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line, field: '', message: `not valid YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const data: unknown = doc.toJS();
  const problems: SpecProblem[] = [];
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new SpecError([{ file, line: 1, field: '', message: 'a scenario file is a YAML mapping with at least name, underlay, flannel and nodes' }]);
  }
  const seen = new Set<string>();
  for (const error of Value.Errors(ScenarioSpecSchema, data)) {
    const d = describeSchemaError(error);
    if (!d) continue;
    const key = `${d.pointer} ${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line: lineOf(doc, counter, pathOf(d.pointer)), field: pointerToField(d.pointer), message: d.message });
  }
  if (problems.length > 0) throw new SpecError(problems);
  const spec = data as ScenarioSpec;
  const semantic = checkSemantics(spec);
  if (semantic.length > 0) {
    throw new SpecError(semantic.map((p) => ({ file, line: lineOf(doc, counter, pathOf(p.pointer)), field: pointerToField(p.pointer), message: p.message })));
  }
  return spec;
}

/** Validates a spec built in code (bench, tests) with the same rules as a file. */
export function validateSpec(spec: unknown, origin = '(spec built in code)'): ScenarioSpec {
  const problems: SpecProblem[] = [];
  for (const error of Value.Errors(ScenarioSpecSchema, spec)) {
    const d = describeSchemaError(error);
    if (d) problems.push({ file: origin, field: pointerToField(d.pointer), message: d.message });
  }
  if (problems.length > 0) throw new SpecError(problems);
  const semantic = checkSemantics(spec as ScenarioSpec);
  if (semantic.length > 0) throw new SpecError(semantic.map((p) => ({ file: origin, field: pointerToField(p.pointer), message: p.message })));
  return spec as ScenarioSpec;
}
