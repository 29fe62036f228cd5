// A YAML file checked against a TypeBox schema, then against rules of its own: every problem
// names the file, the line, the field path and what is allowed, all of them at once. Scenario
// files and SSH inventories are both read this way.
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { SpecError, type SpecProblem } from '../core/errors.js';
import { describeSchemaError } from './describe.js';

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

export interface YamlFileRules<T> {
  /** What the file must be, said when its top level is not a mapping. */
  notAMapping: string;
  /** Rules beyond the schema, as JSON pointers and messages. */
  semantics?: (data: T) => { pointer: string; message: string }[];
}

export function parseYamlFile<T>(text: string, file: string, schema: TSchema, rules: YamlFileRules<T>): T {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      // linePos is only filled in with prettyErrors; the offset always is.
      doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line, field: '', message: `not valid YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new SpecError([{ file, line: 1, field: '', message: rules.notAMapping }]);
  const problems: SpecProblem[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, data)) {
    const d = describeSchemaError(error);
    if (!d) continue;
    const key = `${d.pointer} ${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line: lineOf(doc, counter, pathOf(d.pointer)), field: pointerToField(d.pointer), message: d.message });
  }
  if (problems.length > 0) throw new SpecError(problems);
  const semantic = rules.semantics?.(data as T) ?? [];
  if (semantic.length > 0) throw new SpecError(semantic.map((p) => ({ file, line: lineOf(doc, counter, pathOf(p.pointer)), field: pointerToField(p.pointer), message: p.message })));
  return data as T;
}
