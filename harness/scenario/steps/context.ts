// What the steps of a run share: the run, its plan and spec, the evidence store, the BIG-IP pair
// and the overlay agent, and the state one step leaves for the next.
import type { ScenarioSpec } from '../../spec/schema.js';
import type { Plan } from '../../plan/types.js';
import type { RunContext } from '../../core/run-context.js';
import type { EvidenceStore } from '../../probes/evidence.js';
import type { ManagedProcess } from '../../providers/types.js';
import type { AssertionResult } from '../../assert/types.js';
import type { ProbeRecord } from '../../probes/vip-probe.js';
import type { RunningCapture } from '../../probes/capture.js';
import type { PcapArtifact } from '../../report/types.js';
import type { BigipDevice, BigipPair, FailoverTiming } from '../../devices/bigip/types.js';
import type { FlannelAgent, FlannelLease } from '../../overlay/flannel/types.js';
import type { Observation } from '../observe.js';

export interface StepState {
  captures?: RunningCapture[];
  pcaps?: PcapArtifact[];
  probe?: ManagedProcess;
  probeFile?: string;
  /** Copies probeFile out of the client (providers with HostFiles). */
  probeFetch?: () => Promise<void>;
  replies?: { seq: number; sentAt: number }[];
  failover?: FailoverTiming;
  /** What the failover check measured: whether traffic came back, and the outage when it did. */
  failoverOutcome?: { recovered: boolean; outageMs?: number };
  observations: Observation[];
  probeRecords: ProbeRecord[];
}

export interface StepContext {
  ctx: RunContext;
  plan: Plan;
  spec: ScenarioSpec;
  store: EvidenceStore;
  state: StepState;
  metrics: Record<string, number>;
  started: number;
  assertions: AssertionResult[];
  agent: FlannelAgent;
  /** The BIG-IP device and its pair, when the scenario has units. */
  device?: BigipDevice;
  units?: BigipPair;
  onAssertion?: (a: AssertionResult) => void;
}

export const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The flannel nodes the run's agent lists now, read from its registry. */
export const listFlannelNodes = (c: Pick<StepContext, 'agent' | 'ctx'>): Promise<FlannelLease[]> => c.agent.listNodes({ runDir: c.ctx.runDir, runId: c.ctx.runId, node: (h) => c.ctx.provider.node(h) });
