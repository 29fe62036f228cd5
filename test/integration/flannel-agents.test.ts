// The two flannel agents against each other, on netns: baseline and failover booted once with
// the emulated agent and once with upstream flanneld (and its etcd) must leave every node with
// the same kernel state (devices, addresses, routes, permanent neighbours, static and permanent
// FDB entries). Known differences are listed in KNOWN and in the README with their reason; any
// other difference fails. Then a flanneld run killed with SIGKILL is cleaned by one
// `overlab clean`: no namespace, no flanneld or etcd, no etcd data directory is left.
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, flannelMissing, isolateState, missingPrerequisites, namespaceInodes, poll, prereqTest, processesIn, runNamespaces, spawnCli, trackRuns } from './_env.js';
import { settledStates } from './_kernel-state.js';
import { execFileSync } from 'node:child_process';

const state = isolateState('agents');
const runs = trackRuns('flannel-agents', state);

const missing = [missingPrerequisites()?.replace(/^needs /, ''), ...flannelMissing()].filter((m): m is string => Boolean(m));

/**
 * The known differences (README, "flannel agents"): with flanneld the testbed has one more host,
 * etcd's member, and every node's pre-seeded underlay neighbour for it. Nothing flannel programs.
 */
const ETCD_ADDRESSES = new Set(['172.16.1.254', '10.169.255.254']);
function withoutKnown(key: string, value: unknown): unknown {
  if (key !== 'neighbours' || !Array.isArray(value)) return value;
  return value.filter((n: { dev?: string; dst?: string }) => !(n.dev === 'eth0' && ETCD_ADDRESSES.has(n.dst ?? '')));
}

async function up(scenario: string, agent: string): Promise<{ runId: string; hosts: Record<string, string> }> {
  const r = await cli(['up', scenario, '--agent', agent], { env: state.env });
  const runId = /^run ([0-9a-f]{6}) is up/m.exec(r.stdout)?.[1];
  if (runId) runs.push(runId);
  if (r.code !== 0 || !runId) throw new Error(`overlab up ${scenario} --agent ${agent} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  const hosts = Object.fromEntries([...r.stdout.matchAll(/^ {2}(\S+)\s+(ol-\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { runId, hosts };
}

for (const scenario of ['baseline', 'failover']) {
  prereqTest(
    `${scenario}: emulated and flanneld leave every node with the same kernel state`,
    missing,
    async (t) => {
      const emulated = await up(scenario, 'emulated');
      const flanneld = await up(scenario, 'flanneld');
      try {
        const nodes = Object.keys(emulated.hosts).filter((h) => !h.includes('.') && flanneld.hosts[h] && /^(master|worker\d*|node\d*)$/.test(h));
        t.true(nodes.length >= 2, `nodes found: ${nodes.join(', ')}`);
        for (const node of nodes) {
          const [a, b] = await settledStates(emulated.hosts[node]!, flanneld.hosts[node]!);
          for (const key of Object.keys(a)) t.deepEqual(withoutKnown(key, b[key]), a[key], `${scenario}/${node}: ${key} differs between the agents`);
        }
      } finally {
        for (const r of [emulated, flanneld]) await cli(['down', r.runId], { env: state.env });
      }
    },
    { serial: true },
  );
}

prereqTest(
  'a flanneld run killed with SIGKILL: one overlab clean leaves no namespace, daemon or etcd data',
  missing,
  async (t) => {
    const child = spawnCli(['scenario', 'failover', '--agent', 'flanneld'], { env: state.env });
    let out = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    // Kill once flanneld runs in both nodes: the registry, the daemons and their files all exist then.
    const registered = () => (existsSync(state.stateDir) ? readdirSync(state.stateDir).find((f) => /^[0-9a-f]{6}\.json$/.test(f))?.slice(0, 6) : undefined);
    const runId = await poll('a run id in the registry', registered, 15_000, 20).catch(() => undefined);
    t.truthy(runId, `no run registered; output so far:\n${out}`);
    if (!runId) return;
    runs.push(runId);
    const comm = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8');
      } catch {
        return ''; // gone meanwhile
      }
    };
    const daemons = () => processesIn(namespaceInodes(runNamespaces(runId))).filter((pid) => /flanneld|etcd/.test(comm(pid)));
    await poll('flanneld and etcd running', () => (daemons().length >= 3 ? true : undefined), 15_000, 20);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    t.true(runNamespaces(runId).length > 0, 'the killed run left its testbed (what clean must remove)');
    const clean = await cli(['clean'], { env: state.env });
    t.is(clean.code, 0, clean.stdout + clean.stderr);
    t.deepEqual(runNamespaces(runId), [], 'no namespace of the run');
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`/overlab/${runId}/`) || l.includes(`etcd/${runId}`));
    t.deepEqual(left, [], 'no flanneld or etcd of the run');
    t.false(existsSync(join('/run/overlab/etcd', runId)), 'no etcd data directory');
  },
  { serial: true },
);

prereqTest(
  'a flanneld that dies at start fails the run at once, with its exit and its log, and leaves nothing',
  missing,
  async (t) => {
    // A stand-in for a broken flanneld binary (a wrong flag, a missing library): it says why and exits 3.
    const fake = join(state.root, 'flanneld-broken');
    writeFileSync(fake, '#!/bin/sh\necho "flanneld: flag provided but not defined: -etcd-prefix" >&2\nexit 3\n');
    chmodSync(fake, 0o755);
    const started = Date.now();
    const r = await cli(['scenario', 'baseline', '--agent', 'flanneld'], { env: { ...state.env, OVERLAB_FLANNELD: fake } });
    const runId = /; run ([0-9a-f]{6})\b/.exec(r.stdout)?.[1];
    if (runId) runs.push(runId);
    t.is(r.code, 2, r.stdout + r.stderr);
    t.regex(r.stdout + r.stderr, /flanneld-broken exited \(3\); its log \S+flanneld\.log ends: flanneld: flag provided but not defined: -etcd-prefix/);
    t.true(Date.now() - started < 8000, 'failed at once, not at the 10 s wait timeout');
    if (runId) t.deepEqual(runNamespaces(runId), [], 'nothing of the run is left');
  },
  { serial: true },
);
