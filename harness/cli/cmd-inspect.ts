// `overlab inspect <run> [--output json]`: a kept run's hosts, addresses, MACs and VTEPs as the
// kernels show them, and the active unit as the units say. The JSON follows
// harness/scenario/inspect.schema.json.
import type { Argv } from 'yargs';
import { attachRun } from '../scenario/attach.js';
import { inspectRun } from '../scenario/inspect.js';
import { tableLines } from '../core/table.js';
import { RUN_POSITIONAL, withRun } from './run-arg.js';

export const inspectCommand = (y: Argv): Argv =>
  y.command(
    'inspect <run>',
    'a kept run\'s hosts with their addresses, MACs and VTEPs, and which unit is active (read from the units)',
    (b) => b.positional('run', RUN_POSITIONAL).option('output', { type: 'string', choices: ['text', 'json'] as const, default: 'text', describe: 'json: one document (schema: harness/scenario/inspect.schema.json)' }),
    async (args) => {
      const view = await withRun(attachRun(args.run), (run) => inspectRun(run));
      if (args.output === 'json') {
        console.log(JSON.stringify(view, null, 2));
        return;
      }
      console.log(`run ${view.runId} (${view.scenario} on ${view.provider}), ${view.runDir}`);
      const rows = view.hosts.flatMap((h) =>
        h.interfaces
          .filter((i) => i.name !== 'lo')
          .map((i) => [h.id, i.name, i.mac, String(i.mtu), i.addresses.join(' ') || '-', i.vxlan ? `vni ${i.vxlan.vni} local ${i.vxlan.local ?? '-'} port ${i.vxlan.port}` : (i.master ? `in ${i.master}` : '')] as [string, ...string[]]),
      );
      for (const line of tableLines([['host', 'interface', 'mac', 'mtu', 'addresses', ''], ...rows], { indent: '  ', rule: true })) console.log(line);
      if (view.units.length) console.log(`units: ${view.units.map((u) => `${u.name} ${u.failoverStatus}`).join(', ')}; active: ${view.activeUnit ?? 'none (or more than one) says ACTIVE'}`);
    },
  );
