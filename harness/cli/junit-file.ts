// --junit-file PATH: the JUnit XML of a command's runs written where a CI job collects it (the
// run directories keep their own junit.xml). Its directory is made; the path is printed.
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HarnessError } from '../core/errors.js';
import { renderJunit } from '../report/junit.js';
import type { RunReport } from '../report/types.js';

/**
 * Makes the missing directories one level at a time: Node's recursive mkdir never returns where
 * the kernel answers ENOENT for a directory it will not make (under /proc).
 */
function makeParents(dir: string): void {
  if (existsSync(dir)) return;
  makeParents(dirname(dir));
  mkdirSync(dir);
}

export function writeJunitFile(path: string, reports: readonly RunReport[]): string {
  const file = resolve(path);
  try {
    makeParents(dirname(file));
    writeFileSync(file, renderJunit(reports));
  } catch (e) {
    throw new HarnessError(`--junit-file ${path}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a path in a directory this user can write`);
  }
  console.log(`junit: ${file} (${reports.length} testsuite${reports.length === 1 ? '' : 's'})`);
  return file;
}

/** Before a run starts: a --junit-file that could never be written stops it with nothing made. */
export function checkJunitFile(path: string | undefined): void {
  if (path === undefined) return;
  const file = resolve(path);
  try {
    makeParents(dirname(file));
    accessSync(dirname(file), constants.W_OK);
    if (existsSync(file) && statSync(file).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
  } catch (e) {
    throw new HarnessError(`--junit-file ${path}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a file path in a directory this user can write`);
  }
}
