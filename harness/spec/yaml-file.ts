// A YAML file checked against a TypeBox schema, then against rules of its own: every problem
// names the file, the line, the field path and what is allowed, all of them at once. Scenario
// files and SSH inventories are both read this way.
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
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

/** Larger than any scenario or inventory (the library's largest is ~4 KB; 250 nodes ~40 KB). */
export const MAX_YAML_BYTES = 1 << 20;

/**
 * Reads a YAML file a user named, refusing what could hang or exhaust us: anything that is not a
 * regular file (a FIFO blocks a read forever, /dev/zero never ends) and more than MAX_YAML_BYTES.
 * Opened non-blocking, so even opening a FIFO with no writer returns at once.
 */
export function readYamlFile(file: string, what: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw new SpecError([{ file, field: '', message: `cannot read the ${what}: ${(cause as Error).message}` }]);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SpecError([{ file, field: '', message: `the ${what} is not a regular file (a ${st.isFIFO() ? 'FIFO' : st.isCharacterDevice() ? 'character device' : st.isDirectory() ? 'directory' : 'special file'}); give the path of a .yaml file` }]);
    if (st.size > MAX_YAML_BYTES) throw new SpecError([{ file, field: '', message: `the ${what} is ${st.size} bytes; at most ${MAX_YAML_BYTES} are read (a scenario is a few KB: generate big testbeds with pods: N rather than listing them)` }]);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
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
  let data: unknown;
  try {
    // An alias bomb (aliases of aliases, billions of nodes) stops at yaml's alias count limit.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new SpecError([{ file, line: 1, field: '', message: `not a usable YAML document: ${(e as Error).message} (a scenario needs no aliases that expand this much)` }]);
  }
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
