// A checked transaction carried out in the kernel, all or nothing: traffic-group-1 addresses the
// transaction removes go first (while their devices exist), then each step (apply.ts), then
// traffic-group-1 as the new configuration has it (on the active unit: addresses, tunnels up, the
// group's ruleset; on both: the virtual-address filter). If the kernel refuses anything, what
// was done is undone in reverse and the error says what failed and whether the undo was clean.
import { TG_TABLE, BASE_TABLE } from '../sim/rulesets.js';
import { takeTrafficGroup } from '../sim/traffic-group.js';
import { applyStep, inverse } from './apply.js';
import { TmshFaceError } from './errors.js';
import type { Kernel } from './kernel.js';
import type { FaceConfig } from './objects.js';
import { baseRulesetOf, trafficGroupAddressesOf, trafficGroupOf } from './traffic-group.js';
import type { Checked, Step } from './transaction.js';

/** Runs `checked` (from `from`); `active`: whether this unit holds traffic-group-1, read from its kernel. */
export async function commit(k: Kernel, from: FaceConfig, checked: Checked, active: boolean): Promise<void> {
  const to = checked.config;
  const applied: Step[] = [];
  try {
    if (active) await withdraw(k, from, to);
    for (const step of checked.steps) {
      try {
        await applyStep(k, step, to);
      } catch (e) {
        throw new Error(`"${step.text}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      applied.push(step);
    }
    await establish(k, to, active);
  } catch (e) {
    const failures = await rollBack(k, from, to, applied, active);
    const why = e instanceof Error ? e.message : String(e);
    throw new TmshFaceError(
      `tmsh: the kernel refused the transaction: ${why.split('\n')[0]}; ${failures.length ? `undoing it failed too: ${failures.join('; ')}` : 'what had been applied was undone'}`,
      {},
      { cause: e },
    );
  }
}

/** Puts `config`'s traffic group and tables in place (idempotent). */
export async function establish(k: Kernel, config: FaceConfig, active: boolean): Promise<void> {
  if (active) await takeTrafficGroup(k.node, trafficGroupOf(config), (ruleset) => k.nftTable(TG_TABLE, ruleset));
  await k.nftTable(BASE_TABLE, baseRulesetOf(config));
}

/** On the active unit: the traffic-group-1 addresses `from` has and `to` has not, and their translated flows. */
async function withdraw(k: Kernel, from: FaceConfig, to: FaceConfig, options: { force?: boolean } = {}): Promise<void> {
  const kept = new Set(trafficGroupAddressesOf(to).map((a) => `${a.dev} ${a.cidr}`));
  const gone = trafficGroupAddressesOf(from).filter((a) => !kept.has(`${a.dev} ${a.cidr}`));
  await k.ip(
    gone.map((a) => ['addr', 'del', a.cidr, 'dev', a.dev]),
    options,
  );
  for (const a of gone.filter((x) => x.virtual)) await k.node.exec(['conntrack', '-D', '--orig-dst', a.ip], { allowFailure: true });
}

async function rollBack(k: Kernel, from: FaceConfig, to: FaceConfig, applied: readonly Step[], active: boolean): Promise<string[]> {
  const failures: string[] = [];
  const attempt = async (what: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      failures.push(`${what}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    }
  };
  if (active) await attempt('withdrawing the new traffic-group-1 addresses', () => withdraw(k, to, from, { force: true }));
  for (const step of [...applied].reverse()) await attempt(`the ${inverse(step).text}`, () => applyStep(k, inverse(step), from, { force: true }));
  await attempt('restoring traffic-group-1 and the tables', () => establish(k, from, active));
  return failures;
}
