// Reads a run directory's evidence back for rendering: snapshots, reachability matrices, the
// probe record and outage, path-MTU probes, tmsh text, nft rulesets, pcaps and their summaries.
// Nothing here throws on a missing or malformed file: the report says what it could not read.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { HostSnapshot } from '../probes/snapshot.js';
import type { PingResult } from '../probes/ping.js';
import type { ProbeRecord } from '../probes/vip-probe.js';
import type { Outage } from '../probes/outage.js';
import type { FailoverTiming } from '../actions/failover.js';
import type { UnitState } from '../devices/bigip/types.js';
import type { PcapArtifact, RunReport } from './types.js';

export interface Labelled<T> {
  /** before, after, ... (the snapshot step's label), or "checks" for the assert step's own probes. */
  label: string;
  /** Relative to the run directory. */
  path: string;
  data: T;
}

export interface OutageEvidence extends Outage {
  failover: FailoverTiming;
  intervalMs: number;
}

export interface PcapEvidence {
  artifact: PcapArtifact;
  /** evidence/pcap-<node>-<iface>.json, when the capture left one. */
  summary?: { path: string; data: unknown };
  exists: boolean;
}

export interface RunFile {
  path: string;
  bytes: number;
}

export interface RunEvidence {
  snapshots: Labelled<HostSnapshot[]>[];
  /** The BIG-IP units' own state (device-neutral), at each snapshot and for the checks. */
  units: Labelled<UnitState[]>[];
  matrices: Labelled<Record<string, PingResult[]>>[];
  probes?: { path: string; records: ProbeRecord[] };
  outage?: { path: string; data: OutageEvidence };
  pmtu: Labelled<PingResult[]>[];
  tmsh: Labelled<string>[];
  nft: { path: string; text: string }[];
  pcaps: PcapEvidence[];
  files: RunFile[];
  /** Files that exist but could not be read as expected. */
  problems: string[];
}

/** Walks the run directory: every regular file and symlink, relative paths, sorted. */
export function listRunFiles(runDir: string): RunFile[] {
  const out: RunFile[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      const st = lstatSync(full);
      if (st.isDirectory()) walk(full);
      else out.push({ path: relative(runDir, full).split(sep).join('/'), bytes: st.size });
    }
  };
  walk(runDir);
  return out;
}

export function loadEvidence(runDir: string, report: RunReport): RunEvidence {
  const problems: string[] = [];
  const files = listRunFiles(runDir);
  const readJson = <T>(path: string, check: (v: unknown) => boolean, what: string): T | undefined => {
    try {
      const value: unknown = JSON.parse(readFileSync(join(runDir, path), 'utf8'));
      if (!check(value)) {
        problems.push(`${path}: not ${what}`);
        return undefined;
      }
      return value as T;
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const readText = (path: string): string | undefined => {
    try {
      return readFileSync(join(runDir, path), 'utf8');
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const has = (path: string) => files.some((f) => f.path === path);
  const order = labelOrder(report);
  const byLabel = <T>(items: Labelled<T>[]) => items.sort((a, b) => order(a.label) - order(b.label) || a.label.localeCompare(b.label));

  const isSnapshots = (v: unknown) => Array.isArray(v) && v.every((h) => isObject(h) && typeof h.host === 'string' && Array.isArray(h.links) && Array.isArray(h.fdb));
  const isUnits = (v: unknown) => Array.isArray(v) && v.every((u) => isObject(u) && typeof u.unit === 'string' && Array.isArray(u.fdb) && Array.isArray(u.tunnels));
  const isPings = (v: unknown) => Array.isArray(v) && v.every((p) => isObject(p) && typeof p.from === 'string' && typeof p.to === 'string' && typeof p.ok === 'boolean');

  const snapshots: Labelled<HostSnapshot[]>[] = [];
  const units: Labelled<UnitState[]>[] = [];
  const matrices: Labelled<Record<string, PingResult[]>>[] = [];
  const pmtu: Labelled<PingResult[]>[] = [];
  const tmsh: Labelled<string>[] = [];
  const nft: { path: string; text: string }[] = [];
  for (const f of files) {
    let m: RegExpExecArray | null;
    if (f.path === 'evidence/snapshots.json') {
      const data = readJson<HostSnapshot[]>(f.path, isSnapshots, 'a list of host snapshots');
      if (data) snapshots.push({ label: 'checks', path: f.path, data });
    } else if ((m = /^evidence\/snapshot-(.+)\.json$/.exec(f.path))) {
      const data = readJson<HostSnapshot[]>(f.path, isSnapshots, 'a list of host snapshots');
      if (data) snapshots.push({ label: m[1]!, path: f.path, data });
    } else if (f.path === 'evidence/units.json') {
      const data = readJson<UnitState[]>(f.path, isUnits, 'a list of unit states');
      if (data) units.push({ label: 'checks', path: f.path, data });
    } else if ((m = /^evidence\/units-(.+)\.json$/.exec(f.path)) && !m[1]!.endsWith('-probed')) {
      // (units-<label>-probed.json: the active unit after the probes, for the fdb-learning check only)
      const data = readJson<UnitState[]>(f.path, isUnits, 'a list of unit states');
      if (data) units.push({ label: m[1]!, path: f.path, data });
    } else if (f.path === 'evidence/reachability-pods.json') {
      const data = readJson<PingResult[]>(f.path, isPings, 'a list of ping results');
      if (data) matrices.push({ label: 'checks', path: f.path, data: { 'pod-to-pod': data } });
    } else if ((m = /^evidence\/reachability-(.+)\.json$/.exec(f.path))) {
      const data = readJson<Record<string, PingResult[]>>(f.path, (v) => isObject(v) && Object.values(v).every(isPings), 'named matrices of ping results');
      if (data) matrices.push({ label: m[1]!, path: f.path, data });
    } else if ((m = /^evidence\/pmtu-(.+)\.json$/.exec(f.path))) {
      const data = readJson<PingResult[]>(f.path, isPings, 'a list of ping results');
      if (data) pmtu.push({ label: m[1]!, path: f.path, data });
    } else if ((m = /^evidence\/tmsh-(.+)\.txt$/.exec(f.path))) {
      const text = readText(f.path);
      if (text !== undefined) tmsh.push({ label: m[1]!, path: f.path, data: text });
    } else if (/^nft\/.+\.nft$/.test(f.path) && f.bytes <= 256 * 1024) {
      const text = readText(f.path);
      if (text !== undefined) nft.push({ path: f.path, text });
    }
  }

  let probes: RunEvidence['probes'];
  if (has('evidence/probes.json')) {
    const records = readJson<ProbeRecord[]>('evidence/probes.json', (v) => Array.isArray(v) && v.every((r) => isObject(r) && (r.proto === 'udp' || r.proto === 'tcp') && typeof r.seq === 'number' && typeof r.sentAt === 'number'), 'a list of probe records');
    if (records) probes = { path: 'evidence/probes.json', records };
  }
  let outage: RunEvidence['outage'];
  if (has('evidence/failover-outage.json')) {
    const data = readJson<OutageEvidence>('evidence/failover-outage.json', (v) => isObject(v) && isObject(v.failover) && typeof v.failover.startedAt === 'number', 'an outage record');
    if (data) outage = { path: 'evidence/failover-outage.json', data };
  }

  const pcaps: PcapEvidence[] = report.artifacts.pcaps.map((artifact) => {
    const summaryPath = artifact.summary ?? `evidence/pcap-${artifact.node}-${artifact.interface}.json`;
    const summary = has(summaryPath) ? readJson<unknown>(summaryPath, () => true, 'JSON') : undefined;
    return { artifact, exists: has(artifact.path), ...(summary !== undefined ? { summary: { path: summaryPath, data: summary } } : {}) };
  });
  // Captures the report does not list (written by hand, or by an older harness) still show.
  for (const f of files) {
    if (!/\.pcap(ng)?$/.test(f.path) || pcaps.some((p) => p.artifact.path === f.path)) continue;
    const m = /(?:^|\/)([^/]+?)-([^/-]+)\.pcap(ng)?$/.exec(f.path);
    const artifact: PcapArtifact = { node: m?.[1] ?? '?', interface: m?.[2] ?? '?', path: f.path, packets: -1 };
    const summaryPath = `evidence/pcap-${artifact.node}-${artifact.interface}.json`;
    const summary = has(summaryPath) ? readJson<unknown>(summaryPath, () => true, 'JSON') : undefined;
    pcaps.push({ artifact, exists: true, ...(summary !== undefined ? { summary: { path: summaryPath, data: summary } } : {}) });
  }

  return { snapshots: byLabel(snapshots), units: byLabel(units), matrices: byLabel(matrices), probes, outage, pmtu, tmsh: byLabel(tmsh), nft, pcaps, files, problems };
}

/** Labels in the order the run took them: its `snapshot <label>` phases, then the rest. */
function labelOrder(report: RunReport): (label: string) => number {
  const labels = report.phases.filter((p) => p.name.startsWith('snapshot ')).map((p) => p.name.slice('snapshot '.length));
  return (label) => {
    const i = labels.indexOf(label);
    return i >= 0 ? i : label === 'checks' ? 1000 : 500;
  };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function fileExists(runDir: string, path: string): boolean {
  return existsSync(join(runDir, path));
}
