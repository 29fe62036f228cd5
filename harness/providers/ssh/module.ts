// The ssh provider as registered: machines that already exist, from an inventory, over SSH.
import { ResourceLedger } from '../../core/ledger.js';
import type { CleanOutcome, CleanTarget, ProviderModule } from '../types.js';
import { SshProvider } from './provider.js';

async function cleanSshRun(run: CleanTarget): Promise<CleanOutcome> {
  // Host changes were undone by the core over this provider's transport; its processes remain.
  const provider = new SshProvider({ runId: run.runId, ledger: new ResourceLedger(run.runDir) });
  const failures = await provider.teardown(run.entries);
  const processes = run.entries.filter((e) => e.kind === 'ssh-process').length;
  return { runId: run.runId, removed: processes, what: 'remote process(es)', errors: failures.map((f) => f.message) };
}

export const sshModule: ProviderModule = {
  kind: 'ssh',
  summary: 'existing machines from an inventory, over SSH (ssh2)',
  ledgerKinds: ['ssh-inventory', 'ssh-process'],
  create: (ctx) => new SshProvider(ctx, { inventory: ctx.options?.inventory, acceptNew: ctx.options?.acceptNewHostKeys }),
  clean: cleanSshRun,
};

