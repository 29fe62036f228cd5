// Where things live: the project root (for scenarios/ and reports/), found from this file.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/harness/core/paths.js → project root is three levels up.
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SCENARIOS_DIR = resolve(PROJECT_ROOT, 'scenarios');
export const REPORTS_DIR = resolve(process.env.OVERLAB_REPORTS_DIR ?? resolve(PROJECT_ROOT, 'reports'));
