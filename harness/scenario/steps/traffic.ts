// traffic-start and traffic-stop: the VIP probe on the client (UDP every intervalMs, TCP connects),
// its replies streamed back, its per-probe record copied out at the end.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeRecord } from '../../probes/vip-probe.js';
import { waitFor } from '../../core/wait.js';
import { HarnessError } from '../../core/errors.js';
import { CLIENT_HOST } from '../../plan/plan.js';
import type { StepContext } from './context.js';

const PROBE_SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'probes', 'vip-probe.js');

export async function trafficStart(c: StepContext): Promise<void> {
  const { ctx, plan, state } = c;
  const b = plan.topology.bigip;
  const vs = b?.virtualServers[0];
  if (!b || !vs) throw new HarnessError('traffic-start needs a bigip section with a virtual server');
  const t = c.spec.traffic ?? { intervalMs: 10 };
  state.probeFile = join(ctx.runDir, 'evidence', 'probes.json');
  state.replies = [];
  // A container writes the record inside itself; traffic-stop copies it out (HostFiles).
  const probeOut = ctx.provider.files?.pathIn(CLIENT_HOST, state.probeFile) ?? state.probeFile;
  state.probeFetch = ctx.provider.files && (() => ctx.provider.files!.fetch(CLIENT_HOST, probeOut, state.probeFile!));
  const argv = [process.execPath, PROBE_SCRIPT, vs.destination, String(vs.udpPort), String(t.intervalMs), String(vs.tcpPort), String(t.tcpIntervalMs ?? 100), probeOut];
  state.probe = ctx.provider.spawn(CLIENT_HOST, argv, { captureStdout: true });
  state.probe.onLine((line) => {
    const [tag, seq, sentAt] = line.split(' ');
    if (tag === 'R') state.replies!.push({ seq: Number(seq), sentAt: Number(sentAt) });
  });
  // Traffic is "started" when the first probe has come back through the virtual server.
  await waitFor(`a first UDP reply through ${vs.destination}:${vs.udpPort}`, async () => ({ ok: state.replies!.length > 0, seen: `${state.replies!.length} replies` }), {
    timeoutMs: 3000,
    intervalMs: 5,
    signal: ctx.signal,
  }).catch(() => undefined); // no reply is a finding for the assertions, not a harness error
}

export async function trafficStop(c: StepContext): Promise<void> {
  const { state } = c;
  if (!state.probe) return;
  await state.probe.stop('SIGTERM', 2000);
  state.probe = undefined;
  await state.probeFetch?.();
  state.probeRecords = JSON.parse(readFileSync(state.probeFile!, 'utf8')) as ProbeRecord[];
}
