// Stopping the underlay captures once, whoever asks first (the assert step, or teardown).
import { stopCaptures } from '../../probes/capture.js';
import type { StepContext } from './context.js';

export async function stopCapturesOf(c: Pick<StepContext, 'state' | 'ctx'>): Promise<void> {
  if (!c.state.captures) return;
  const captures = c.state.captures;
  c.state.captures = undefined;
  c.state.pcaps = await stopCaptures(captures, c.ctx.runDir);
}
