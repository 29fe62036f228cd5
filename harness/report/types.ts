// The report contract (design.md §4): reports/<scenario>/<run>/report.json is a public
// interface that CI dashboards read. Add fields freely; never rename these.
import type { AssertionResult } from '../assert/types.js';

export interface PhaseRecord {
  name: string;
  durationMs: number;
  status: 'passed' | 'failed' | 'error' | 'skipped';
}

export interface RunReport {
  schemaVersion: 1;
  scenario: string;
  provider: string;
  runId: string;
  status: 'passed' | 'failed' | 'reproduced' | 'error';
  startedAt: string;
  durationMs: number;
  phases: PhaseRecord[];
  topology: {
    nodes: { name: string; role: string; underlayIp: string; vtepMac: string; podCidr: string; pods?: { name: string; ip: string; mac: string }[] }[];
    bigips: { name: string; underlayIp: string; tunnelMac: string; tunnelSelfIp: string; haState: 'active' | 'standby' }[];
  };
  assertions: AssertionResult[];
  metrics: Record<string, number>;
  artifacts: { pcaps: PcapArtifact[]; html?: string; junit?: string; bundle?: string };
  error?: { name: string; message: string };
  runDir: string;
}

export interface PcapArtifact {
  node: string;
  interface: string;
  /** Relative to the run directory. */
  path: string;
  packets: number;
}
