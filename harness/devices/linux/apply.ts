// Linux intent carried out on a host of a running testbed, after the boot (a fault's repair, a
// device's change at runtime): the plan's own rendering (render.ts), run over the host's exec as
// `ip -batch -` and `bridge -batch -`, in order, each batch stopping at its first error.
// Rulesets go to `nft`, the caller's way of loading one (the provider's, which keeps it as evidence).
import { HarnessError } from '../../core/errors.js';
import type { NodeHandle } from '../../providers/types.js';
import type { IpLine } from './commands.js';
import type { LinuxIntent } from './intent.js';
import { renderIntent } from './render.js';

/** Lines as `ip -batch -` and `bridge -batch -` read them on stdin. */
export const batchText = (lines: readonly IpLine[]): string => lines.map((l) => l.join(' ')).join('\n') + '\n';

export async function applyIntent(host: NodeHandle, intent: readonly LinuxIntent[], nft?: (ruleset: string) => Promise<void>): Promise<void> {
  for (const action of renderIntent(host.id, intent)) {
    switch (action.type) {
      case 'ip':
      case 'bridge':
        await host.exec([action.type, '-batch', '-'], { stdin: batchText(action.lines) });
        break;
      case 'sysctl':
        await host.exec(['sysctl', '-q', '-w', ...Object.entries(action.settings).map(([k, v]) => `${k}=${v}`)]);
        break;
      case 'nft':
        if (!nft) throw new HarnessError(`${host.id}: an nftables ruleset to load, and no way to load one was given`);
        await nft(action.ruleset);
        break;
    }
  }
}
