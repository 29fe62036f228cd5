// The plan's steps as bash: each step through the same rendering the run uses (a host-config
// through the Linux device, then the netns provider's own argv for it), so the script replays
// what `overlab scenario` carries out and no second copy of the topology exists. Namespaces the
// script made, processes it started and scratch directories are recorded in bash arrays as
// they come, for the teardown.
import type { PlanStep } from '../plan/types.js';
import type { BulkAction, Provider } from '../providers/types.js';
import { hostActions } from '../plan/host-actions.js';
import { heredoc, planWord, shq, words } from './bash.js';

export interface ScriptEnv {
  runId: string;
  /** The netns provider of the run id: names and argv come from it. */
  provider: Pick<Provider, 'render' | 'locationOf'>;
}

/** `nsenter --net=... --` for a host: the provider's own exec prefix, rendered as a spawn of nothing. */
export function inHost(env: ScriptEnv, host: string): string {
  return `nsenter --net=/run/netns/${env.provider.locationOf(host)} --`;
}

export function stepLines(step: PlanStep, env: ScriptEnv): string[] {
  const out = [`# [${step.phase}] ${step.id}: ${step.title.replaceAll('{run}', env.runId)}`];
  const a = step.action;
  if (a.type === 'write-files') {
    // The harness writes these itself, in the run directory (the emulated agent's registry).
    for (const f of a.files) {
      const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '';
      if (dir) out.push(`mkdir -p "$RUNDIR"/${shq(dir)}`);
      out.push(...heredoc(`cat >"$RUNDIR"/${shq(f.path)}`, f.content));
    }
    return out;
  }
  for (const action of hostActions(a)) out.push(...actionLines(action, env, step.id));
  return out;
}

function actionLines(action: ReturnType<typeof hostActions>[number], env: ScriptEnv, stepId: string): string[] {
  const { runId, provider } = env;
  switch (action.type) {
    case 'create-hosts':
      // Recorded once made, never before: a name that was already taken is not ours to delete.
      return action.hosts.flatMap((h) => {
        const ns = provider.locationOf(h.id);
        return [`ip netns add ${shq(ns)}`, `NETNS+=(${shq(ns)})`];
      });
    case 'nft':
      return nftLines(action, env);
    case 'spawn': {
      const log = action.log ? `"$RUNDIR"/${shq(action.log)}` : `"$RUNDIR"/logs/${shq(`${stepId.replaceAll(':', '_')}.log`)}`; // a step spawns one process
      return [
        ...(action.scratch ?? []).map((p) => `SCRATCH+=(${planWord(p, runId)})`),
        `mkdir -p "$(dirname ${log})"`,
        `${inHost(env, action.host)} ${words(action.argv, runId)} >>${log} 2>&1 &`,
        'PIDS+=($!)',
      ];
    }
    case 'exec':
      return [...(action.scratch ?? []).map((p) => `SCRATCH+=(${planWord(p, runId)})`), ...action.commands.map((c) => `${inHost(env, action.host)} ${words(c, runId)}`)];
    case 'wait-command':
      return [`wait_for ${shq(action.what)} ${action.timeoutMs} ${shq(action.expect ?? '')} ${inHost(env, action.host)} ${words(action.argv, runId)}`];
    case 'wait-ping':
      return [`wait_for ${shq(`a ping from ${action.from} to ${action.to}`)} ${action.timeoutMs} '' ${inHost(env, action.from)} ping -c 1 -W 1 -n -q ${shq(action.to)}`];
    default:
      return provider.render(action).map((argv) => argv.map(shq).join(' '));
  }
}

/** A ruleset as a here-document: the run writes it to RUNDIR/nft/ and loads the file; the script loads it from stdin. */
export function nftLines(action: Extract<BulkAction, { type: 'nft' }>, env: ScriptEnv): string[] {
  return heredoc(`${inHost(env, action.host)} nft -f /dev/stdin`, action.ruleset);
}
