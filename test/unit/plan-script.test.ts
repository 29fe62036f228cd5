// `overlab plan <s> --script`: every library scenario either gives a script bash parses, or is
// refused with exit 2 naming what the script cannot do; bad options exit 2. No root needed.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, SCENARIOS_DIR } from '../../harness/core/paths.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { planScenario } from '../../harness/plan/plan.js';
import { scenarioScript, scriptRefusal } from '../../harness/script/scenario-script.js';
import { NetnsProvider } from '../../harness/providers/netns/provider.js';
import { ResourceLedger } from '../../harness/core/ledger.js';

const CLI = join(PROJECT_ROOT, 'dist/harness/cli/main.js');
const plan = (...args: string[]) => spawnSync(process.execPath, [CLI, 'plan', ...args], { encoding: 'utf8' });
const FLANNELD_FAULTS = /^(node-leave|node-leave-cis|vni-change|vni-change-fix|vtep-deleted|vtep-deleted-fix|vtepmac-learned|vtepmac-static-arp)$/;

const netns = (runId: string) => new NetnsProvider({ runId, ledger: new ResourceLedger('/nonexistent') });
const emulated = (name: string) => {
  const spec = loadScenario(name);
  return { ...spec, flannel: { ...spec.flannel, agent: spec.flannel.agent ?? 'emulated' } };
};

// In-process (one CLI start costs seconds on a busy 2-core machine); the CLI's own path is tested below.
for (const file of readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
  const name = file.replace(/\.yaml$/, '');
  test(`${name}: a script bash parses, or a refusal that says why`, (t) => {
    const spec = emulated(name);
    const p = planScenario(spec);
    const refused = scriptRefusal(p, spec, 'netns');
    if (FLANNELD_FAULTS.test(name)) {
      t.regex(refused ?? '', /flanneld/);
      return;
    }
    t.is(refused, undefined);
    const s = scenarioScript(p, spec, { runId: 'lib1', provider: netns('lib1') });
    t.true(s.startsWith('#!/usr/bin/env bash\n'));
    t.regex(s, /^set -euo pipefail$/m);
    t.regex(s, /^trap teardown EXIT$/m);
    t.regex(s, /^### phase boot/m);
    // bash -n: the whole script parses.
    t.notThrows(() => execFileSync('bash', ['-n'], { input: s, stdio: ['pipe', 'pipe', 'pipe'] }));
    // Every namespace the plan has, by its real name, and no placeholder left.
    t.notRegex(s, /\bRUN\b|\{run|[^$]RUNDIR\//);
    for (const h of p.hosts) t.true(s.includes(`\nip netns add ${netns('lib1').locationOf(h.id)}\n`), h.id);
  });
}

test('the failover script: rulesets as here-documents, servers in the background, the failover as commands', (t) => {
  const spec = { ...loadScenario('failover'), flannel: { ...loadScenario('failover').flannel, agent: 'emulated' } };
  const p = planScenario(spec);
  const s = scenarioScript(p, spec, { runId: 'x1', provider: netns('x1') });
  t.regex(s, /nsenter --net=\/run\/netns\/ol-x1\.bigip1 -- nft -f \/dev\/stdin <<'EOF'\ntable ip overlab_unit \{/);
  t.regex(s, /-- socat -T 5 TCP4-LISTEN:80,fork,reuseaddr 'SYSTEM:.*master\/nginx.*' >>"\$RUNDIR"\/logs\/[^ ]+ 2>&1 &\nPIDS\+=\(\$!\)/);
  // bigip1 releases, bigip2 takes and loads traffic-group-1's ruleset with its own SNAT address.
  t.regex(s, /ol-x1\.bigip1 -- nft delete table ip overlab_tg1 \|\| true/);
  t.regex(s, /ip -n ol-x1\.bigip2 -batch - <<'EOF'\naddr replace 10\.1\.10\.100\/32 dev ext0\nEOF/);
  t.regex(s, /snat to 10\.217\.33\.38/);
  t.regex(s, /ol-x1\.bigip2 -- arping -q -U -c 1 -I ext0 10\.1\.10\.100 &/);
  // The snapshot after the failover probes the pods from the new active unit.
  t.regex(s, /### snapshot after[\s\S]*reach_icmp unit-to-pod bigip2 /);
  t.regex(s, /reach_vip_udp ol-x1\.client '10\.1\.10\.100:7\/udp#2'/);
  t.notRegex(s, /udp#3/);
});

test('a scenario without snapshots (baseline): the pod-to-pod probes at its assert step, as the harness takes them', (t) => {
  const spec = emulated('baseline');
  const s = scenarioScript(planScenario(spec), spec, { runId: 'b1', provider: netns('b1') });
  t.regex(s, /### assert: [^\n]*\nreach_icmp pod-to-pod master\.pod0 ol-b1\.master\.pod0 /);
  t.notRegex(s, /^(reach_vip_(tcp|udp) ol-|### snapshot)/m);
});

test('refused with exit 2: another provider, flanneld asked for, a bad run id, --run-id without --script', (t) => {
  const docker = plan('failover', '--script', '--provider', 'docker');
  t.is(docker.status, 2);
  t.regex(docker.stderr, /writes the netns provider's commands, not docker's/);
  const flanneld = plan('failover', '--script', '--agent', 'flanneld');
  t.is(flanneld.status, 2);
  t.regex(flanneld.stderr, /pass --agent emulated/);
  const bad = plan('failover', '--script', '--run-id', 'A;B');
  t.is(bad.status, 2);
  t.regex(bad.stderr, /--run-id "A;B" is not allowed: lower-case letters, digits and single dashes/);
  const alone = plan('failover', '--run-id', 'a1');
  t.is(alone.status, 2);
  t.regex(alone.stderr, /use it with --script/);
  for (const r of [docker, flanneld, bad, alone]) t.is(r.stdout, '');
});
