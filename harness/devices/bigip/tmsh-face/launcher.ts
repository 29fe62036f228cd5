// The `tmsh` a stand-in unit has on its PATH: a two-line sh script that runs the face with the
// harness's own node (an absolute path: an SSH session's PATH may have no node at all), and, when
// given, the unit's state directory (sshd does not pass the harness's environment on).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATE_DIR_ENV } from './store.js';
import { shellQuote as sq } from '../../../ssh/quote.js';

/** dist/harness/devices/bigip/tmsh-face/main.js, next to this file once built. */
export const FACE_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

export interface LauncherOptions {
  /** The node to run; default the harness's own (process.execPath). */
  node?: string;
  main?: string;
  /** Baked in as the default of $OVERLAB_TMSH_STATE_DIR (an environment that sets it wins). */
  stateDir?: string;
  /** Or: the state directory relative to the script's own directory (a plan written before the run directory exists). */
  stateDirBesideScript?: string;
}

export function launcherScript(options: LauncherOptions = {}): string {
  const lines = ['#!/bin/sh'];
  if (options.stateDirBesideScript) lines.push(`[ -n "\${${STATE_DIR_ENV}:-}" ] || ${STATE_DIR_ENV}="$(dirname "$0")"/${sq(options.stateDirBesideScript)}; export ${STATE_DIR_ENV}`);
  else if (options.stateDir) lines.push(`[ -n "\${${STATE_DIR_ENV}:-}" ] || ${STATE_DIR_ENV}=${sq(options.stateDir)}; export ${STATE_DIR_ENV}`);
  lines.push(`exec ${sq(options.node ?? process.execPath)} ${sq(options.main ?? FACE_MAIN)} "$@"`);
  return lines.join('\n') + '\n';
}

/** Writes the launcher as `file` (mode 0755), e.g. <run dir>/units/bigip1/bin/tmsh, and returns its path. */
export function writeLauncher(file: string, options: LauncherOptions = {}): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, launcherScript(options));
  chmodSync(file, 0o755);
  return file;
}
