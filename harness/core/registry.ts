// The run registry: one small file per live run under /run/overlab (tmpfs, so it lives exactly as
// long as network namespaces do). It lets `overlab clean`, `list`, `exec` and `down` find runs
// whose report directory moved or whose owner was killed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const REGISTRY_DIR = process.env.OVERLAB_STATE_DIR ?? '/run/overlab/runs';

export interface RunRecord {
  runId: string;
  scenario: string;
  provider: string;
  runDir: string;
  /** The process that owns the run; `kept` runs (overlab up) are owned by nobody once it exits. */
  pid: number;
  /** The owner's start time (/proc/<pid>/stat field 22): a later process with the same pid is not the owner. */
  pidStartTicks?: string;
  kept: boolean;
  startedAt: string;
  /** Logical host id → where it lives (namespace name on netns). */
  hosts: Record<string, string>;
}

export function registerRun(record: RunRecord): void {
  mkdirSync(REGISTRY_DIR, { recursive: true });
  writeFileSync(join(REGISTRY_DIR, `${record.runId}.json`), JSON.stringify(record, null, 2));
}

export function unregisterRun(runId: string): void {
  rmSync(join(REGISTRY_DIR, `${runId}.json`), { force: true });
}

export function listRuns(): RunRecord[] {
  let files: string[];
  try {
    files = readdirSync(REGISTRY_DIR);
  } catch {
    return [];
  }
  const out: RunRecord[] = [];
  for (const f of files) {
    if (!f.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(REGISTRY_DIR, f), 'utf8')) as RunRecord);
    } catch {
      // a half-written record: its ledger is still found through the reports directory
    }
  }
  return out;
}

export function findRun(runId: string): RunRecord | undefined {
  return listRuns().find((r) => r.runId === runId || r.runId.startsWith(runId));
}

/**
 * What /proc says of a process: its state letter and its start time (clock ticks after boot),
 * or undefined when there is no such process. The command name in parentheses may hold spaces
 * and parentheses itself, so the fields are counted from the last `)`.
 */
export function procStat(pid: number): { state: string; startTicks: string } | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '?', startTicks: rest[19] ?? '' };
}

/**
 * Whether a run's owner still runs: the pid exists, is not a zombie (kill(pid, 0) succeeds on a
 * zombie, whose run will never finish), and, when its start time was recorded, is the same
 * process (not a later one that got the pid).
 */
export function isAlive(pid: number, startTicks?: string): boolean {
  const stat = procStat(pid);
  if (stat) return stat.state !== 'Z' && stat.state !== 'X' && (startTicks === undefined || stat.startTicks === startTicks);
  // No /proc (not Linux): the signal test, which cannot tell a zombie.
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run whose owner leaves it up (overlab up, scenario --keep): from now on it is owned by
 * nobody, so `overlab clean` leaves it alone while the owner runs and `down`, `failover`,
 * `check` and the others work on it from other processes.
 */
export function markKept(runId: string): void {
  const record = listRuns().find((r) => r.runId === runId);
  if (record && !record.kept) registerRun({ ...record, kept: true });
}
