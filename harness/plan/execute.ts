// Runs a Plan on a provider: each step starts when its dependencies are done, through a p-queue
// bounded per provider (spawning is the cost; two cores gain little past a few at once). A
// host-config step is rendered through the Linux device into the provider's bulk actions first.
import PQueue from 'p-queue';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BulkAction, Provider } from '../providers/types.js';
import type { Plan, PlanStep, StepAction } from './types.js';
import { renderHostConfig, type HostConfig } from './host-actions.js';
import { waitFor } from '../core/wait.js';
import { SshRefusedError } from '../ssh/errors.js';
import { CommandError } from '../core/errors.js';
import type { ResourceLedger } from '../core/ledger.js';
import type { CommandResult } from '../core/command.js';

export interface StepTiming {
  id: string;
  phase: PlanStep['phase'];
  startMs: number;
  durationMs: number;
  /** Set when the provider's machines do this step themselves (Provider.doneBy): who, and not run. */
  doneBy?: string;
}

export interface ExecuteOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Only the steps of these phases (default: all). */
  phases?: readonly PlanStep['phase'][];
  /** Where write-files steps write (the run directory); `{runDir}` in a command's argv. */
  runDir?: string;
  /** `{run}` in a command's argv. */
  runId?: string;
  /** Where a spawn's scratch directories are recorded before it starts. */
  ledger?: ResourceLedger;
}

/** What a single action needs besides the provider. */
export interface ActionEnv {
  signal?: AbortSignal;
  runDir?: string;
  runId?: string;
  ledger?: ResourceLedger;
  /** The daemons this execution spawned, per host: a wait on a host fails at once when one of them died. */
  daemons?: Map<string, Daemon[]>;
}

interface Daemon {
  name: string;
  log?: string;
  /** Set when it exited: its code or signal. */
  ended?: number | string;
}

/** A daemon of this host that exited, said with its log's last lines (the reason is usually there). */
function deadDaemon(env: ActionEnv, host: string): string | undefined {
  const dead = env.daemons?.get(host)?.find((d) => d.ended !== undefined);
  if (!dead) return undefined;
  let last = '';
  try {
    last = dead.log ? readFileSync(dead.log, 'utf8').trimEnd().split('\n').slice(-3).join(' | ') : '';
  } catch {
    // no log written
  }
  return `${dead.name} exited (${dead.ended})${dead.log ? `; its log ${dead.log}${last ? ` ends: ${last}` : ''}` : ''}`;
}

/**
 * Each host-config rendered once: prepare and runMany then see the same action objects (the netns
 * provider keeps its netlink encoding of an action from prepare to the run by identity).
 */
class Rendered {
  private readonly cache = new WeakMap<HostConfig, BulkAction[]>();
  of(action: HostConfig): BulkAction[] {
    let r = this.cache.get(action);
    if (!r) this.cache.set(action, (r = renderHostConfig(action)));
    return r;
  }
}

/**
 * Collects the bulk actions that become ready in the same turn of the event loop and hands them
 * to the provider in one call: spawning a process from Node costs ~2 ms of the main thread, so
 * at 50 nodes x 4 pods one spawn per step would dominate the boot.
 */
class BulkBatcher {
  private pending: { action: BulkAction; resolve: () => void; reject: (e: unknown) => void }[] = [];
  constructor(private readonly run: (actions: readonly BulkAction[]) => Promise<void>) {}

  submit(action: BulkAction): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ action, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    // One call per kind of action, each settling on its own: the ip steps that others wait for
    // (the underlay bridge before the wiring) are not held back by slower sysctls.
    const kinds = new Map<BulkAction['type'], typeof batch>();
    for (const b of batch) kinds.set(b.action.type, [...(kinds.get(b.action.type) ?? []), b]);
    await Promise.all(
      [...kinds.values()].map(async (group) => {
        try {
          await this.run(group.map((b) => b.action));
          group.forEach((b) => b.resolve());
        } catch (e) {
          group.forEach((b) => b.reject(e));
        }
      }),
    );
  }
}

function* renderedSteps(steps: readonly PlanStep[], rendered: Rendered): Generator<BulkAction> {
  for (const s of steps) if (s.action.type === 'host-config') yield* rendered.of(s.action);
}

export async function executePlan(plan: Plan, provider: Provider, options: ExecuteOptions = {}): Promise<StepTiming[]> {
  const queue = new PQueue({ concurrency: options.concurrency ?? 6 });
  const batcher = provider.runMany ? new BulkBatcher((actions) => provider.runMany!(actions)) : undefined;
  const rendered = new Rendered();
  const env: ActionEnv = { ...options, daemons: new Map() };
  const steps = options.phases ? plan.steps.filter((s) => options.phases?.includes(s.phase)) : plan.steps;
  const ids = new Set(steps.map((s) => s.id));
  const done = new Map<string, Promise<void>>();
  const timings: StepTiming[] = [];
  const origin = performance.now();
  let firstError: unknown;
  // Steps come in dependency order, so every dependency's promise exists when a step is reached.
  for (const step of steps) {
    const deps = step.dependsOn.filter((d) => ids.has(d)).map((d) => done.get(d));
    const body = async () => {
      options.signal?.throwIfAborted();
      if (firstError !== undefined) throw firstError; // stop starting steps once one failed
      const start = performance.now();
      const action = step.action;
      const doneBy = provider.doneBy?.(action);
      if (doneBy !== undefined) {
        timings.push({ id: step.id, phase: step.phase, startMs: start - origin, durationMs: 0, doneBy });
        return;
      }
      if (batcher && action.type === 'host-config') {
        // One after another: a host's order holds across tools (an FDB entry after its device).
        for (const bulk of rendered.of(action)) await batcher.submit(bulk);
      } else await runAction(action, provider, env, rendered);
      timings.push({ id: step.id, phase: step.phase, startMs: start - origin, durationMs: performance.now() - start });
    };
    // Host configuration skips the queue: the batcher bounds its processes itself.
    const run = Promise.all(deps).then(() => (batcher && step.action.type === 'host-config' ? body() : queue.add(body)));
    // No queue.clear() here: p-queue never settles the promises of cleared tasks, so the
    // allSettled below would wait forever (and Node would exit 0 with the run left behind).
    // Queued steps start, see firstError or the aborted signal, and throw at once.
    run.catch((e: unknown) => {
      firstError ??= e;
    });
    done.set(step.id, run);
  }
  // The first steps are now running (spawned); the provider gets ready for the rest meanwhile.
  // Rendered as prepare takes them: the intent's rendering waits for the kernel too, not before it.
  const prepared = provider.prepare?.(renderedSteps(steps, rendered)).catch(() => undefined);
  const results = await Promise.allSettled(done.values());
  await prepared;
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return timings;
}

/** `{run}` and `{runDir}` in a word: the run id and directory (a plan is made before either exists). */
function filled(words: readonly string[], env: ActionEnv): string[] {
  return words.map((w) => w.replaceAll('{runDir}', env.runDir ?? '{runDir}').replaceAll('{run}', env.runId ?? '{run}'));
}

export async function runAction(action: StepAction | BulkAction, provider: Provider, env: ActionEnv = {}, rendered = new Rendered()): Promise<void> {
  const { signal, runDir } = env;
  switch (action.type) {
    case 'host-config':
      for (const bulk of rendered.of(action)) await runAction(bulk, provider, env, rendered);
      return;
    case 'write-files': {
      if (!runDir) throw new Error('a write-files step needs the run directory (executePlan option runDir)');
      for (const f of action.files) {
        const path = join(runDir, f.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.content);
      }
      return;
    }
    case 'create-hosts':
      return provider.createHosts(action.hosts);
    case 'wire':
      return provider.wire(action.links);
    case 'ip':
      return provider.ip(action.host, action.lines);
    case 'bridge':
      return provider.bridge(action.host, action.lines);
    case 'sysctl':
      return provider.sysctl(action.host, action.settings);
    case 'nft':
      return provider.nft(action.host, action.ruleset);
    case 'spawn':
      // Spawning blocks the event loop for a few ms: let the bulk actions that became ready in
      // this same turn go out first (their flush is an earlier setImmediate).
      await new Promise((resolve) => setImmediate(resolve));
      // Recorded before it starts: a kill at any moment leaves nothing clean cannot find.
      if (action.scratch?.length && !env.ledger) throw new Error(`spawn in ${action.host} writes ${action.scratch.join(', ')}: executePlan needs the ledger to record it`);
      if (action.argv.some((w) => w.includes('{run}')) && !env.runId) throw new Error(`spawn in ${action.host}: {run} in its argv needs the run id (executePlan option runId)`);
      env.ledger?.record(...(action.scratch ?? []).map((p) => ({ kind: 'scratch-dir' as const, path: filled([p], env)[0]! })));
      const logFile = action.log && runDir ? join(runDir, action.log) : undefined;
      const daemon: Daemon = { name: basename(action.argv[0] ?? 'process'), ...(logFile ? { log: logFile } : {}) };
      const scratch = (action.scratch ?? []).map((p) => filled([p], env)[0]!);
      const p = provider.spawn(action.host, filled(action.argv, env), { detached: true, ...(logFile ? { logFile } : {}), ...(scratch.length ? { scratch } : {}) });
      void p.exited.then((v) => (daemon.ended = v), () => (daemon.ended = 'unknown'));
      env.daemons?.set(action.host, [...(env.daemons.get(action.host) ?? []), daemon]);
      return;
    case 'exec': {
      if (action.scratch?.length && !env.ledger) throw new Error(`exec in ${action.host} writes ${action.scratch.join(', ')}: executePlan needs the ledger to record it`);
      env.ledger?.record(...(action.scratch ?? []).map((p) => ({ kind: 'scratch-dir' as const, path: filled([p], env)[0]! })));
      const node = provider.node(action.host);
      await Promise.all(action.commands.map((c) => node.exec(filled(c, env))));
      return;
    }
    case 'wait-command': {
      const node = provider.node(action.host);
      const argv = filled(action.argv, env);
      const expect = action.expect !== undefined ? new RegExp(filled([action.expect], env)[0]!, 'm') : undefined;
      let last = '';
      await waitFor(
        action.what,
        async () => {
          // A daemon this wait depends on that died will not come back: say so now, not at the timeout.
          const dead = deadDaemon(env, action.host);
          if (dead) throw new CommandError(`${action.host}: ${dead}, while waiting for ${action.what}`, { node: action.host, argv });
          let r: CommandResult;
          try {
            r = await node.exec(argv, { allowFailure: true });
          } catch (e) {
            // A host reached over SSH whose sshd is still starting refuses: that is waited out too.
            if (e instanceof SshRefusedError) return { ok: false, seen: e.message };
            throw e;
          }
          last = r.stdout;
          const ok = r.exitCode === 0 && (!expect || expect.test(r.stdout));
          return { ok, seen: r.exitCode !== 0 ? `exit ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-2).join(' ') || '(no stderr)'}` : `output ${JSON.stringify(r.stdout.trim().slice(0, 200))}` };
        },
        { timeoutMs: action.timeoutMs, intervalMs: 20, signal },
      ).catch((e: unknown) => {
        if (e instanceof CommandError) throw e; // a dead daemon, already said with its host
        throw new CommandError(`${action.host}: ${(e as Error).message}`, { node: action.host, argv }, { cause: e });
      });
      if (action.save && runDir) {
        const path = join(runDir, action.save);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, last);
      }
      return;
    }
    case 'wait-ping': {
      const node = provider.node(action.from);
      await waitFor(
        `a ping from ${action.from} to ${action.to}`,
        async () => {
          const r = await node.exec(['ping', '-c', '1', '-W', '1', '-n', '-q', action.to], { allowFailure: true });
          return { ok: r.exitCode === 0, seen: r.stdout.split('\n').find((l) => l.includes('packets transmitted')) ?? r.stderr.trim() };
        },
        { timeoutMs: action.timeoutMs, intervalMs: 5, signal },
      );
      return;
    }
  }
}
