// `overlab exec <run> <unit> -- tmsh ...` on a stand-in unit: tmsh is the face (issue 3/7), as
// on a real unit. The tmsh device's stand-ins have it already (<run>/units/<unit>/bin/tmsh, the
// one their sshd sessions run); a sim unit gets the face's files written for it
// (sim/face-files.ts) and its face answers reads only.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../core/registry.js';
import { HarnessError } from '../core/errors.js';
import { planScenario } from '../plan/plan.js';
import { readRunSpec } from '../scenario/run-spec.js';
import { FACE_MAIN } from '../devices/bigip/tmsh-face/launcher.js';
import { READS_ONLY_ENV, STATE_DIR_ENV } from '../devices/bigip/tmsh-face/store.js';
import { SIM_READS_ONLY, simFaceConfig, simFaceUnit } from '../devices/bigip/sim/face-files.js';

/** The argv that runs `tmsh <args>` inside the unit, or undefined when the host is not a stand-in unit. */
export function unitTmshArgv(record: RunRecord, host: string, args: readonly string[], sharesFiles: boolean): string[] | undefined {
  const launcher = join(record.runDir, 'units', host, 'bin', 'tmsh');
  if (existsSync(launcher)) return [launcher, ...args];
  const saved = readRunSpec(record.runDir, record.runId);
  const topology = planScenario(saved.spec).topology;
  const unit = topology.bigip?.units.find((u) => u.name === host);
  if (!unit || topology.bigip!.device !== 'sim') return undefined;
  // The face runs with this machine's node and dist, which a container does not have.
  if (!sharesFiles) throw new HarnessError(`tmsh on a sim unit runs the face from this machine's files, which a ${record.provider} unit does not share: netns only for now; read the unit's kernel instead, e.g. overlab exec ${record.runId} ${host} -- bridge fdb show dev ${topology.bigip!.tunnel.name}`);
  const dir = join(record.runDir, 'units', host, 'sim-face');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'unit.json'), JSON.stringify(simFaceUnit(topology, unit), null, 2) + '\n');
  writeFileSync(join(dir, 'config.json'), JSON.stringify(simFaceConfig(topology, unit), null, 2) + '\n');
  return ['env', `${STATE_DIR_ENV}=${dir}`, `${READS_ONLY_ENV}=${SIM_READS_ONLY}`, process.execPath, FACE_MAIN, ...args];
}
