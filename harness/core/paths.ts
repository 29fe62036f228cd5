// Where things live: the project root (for scenarios/ and reports/), found from this file.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/harness/core/paths.js → project root is three levels up.
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SCENARIOS_DIR = resolve(PROJECT_ROOT, 'scenarios');
/**
 * reports/ of the project, or $OVERLAB_REPORTS_DIR, or the command line's --report-dir (set by
 * setReportsDir before a command runs). A live binding: importers see the value set later.
 */
export let REPORTS_DIR = resolve(process.env.OVERLAB_REPORTS_DIR ?? resolve(PROJECT_ROOT, 'reports'));

/** --report-dir: every run directory, matrix summary and report lookup goes there from now on. */
export function setReportsDir(dir: string): void {
  REPORTS_DIR = resolve(dir);
  // Processes the run starts (and the tmsh face's helpers) read it from the environment.
  process.env.OVERLAB_REPORTS_DIR = REPORTS_DIR;
}
