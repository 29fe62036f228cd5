// Evidence: every probe leaves a typed record and a file under the run directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Evidence<T = unknown> {
  kind: string;
  /** Path relative to the run directory. */
  path: string;
  data: T;
}

export class EvidenceStore {
  constructor(readonly runDir: string) {
    mkdirSync(join(runDir, 'evidence'), { recursive: true });
  }

  write<T>(kind: string, name: string, data: T): Evidence<T> {
    const file = join(this.runDir, 'evidence', `${name}.json`);
    writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
    return { kind, path: relative(this.runDir, file), data };
  }
}
