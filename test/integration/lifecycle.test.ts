// The kept-run lifecycle through the CLI (up → list → exec → down), and two runs of the same
// scenario at once through the library: distinct run ids, disjoint namespaces, the same
// addresses inside each, and both torn down.
import test from 'ava';
import { cli, inNetns, ipJson, isolateState, rootTest, runNamespaces, trackRuns } from './_env.js';

const state = isolateState('lifecycle');
// Imported after isolateState: these read OVERLAB_REPORTS_DIR / OVERLAB_STATE_DIR when loaded.
const { loadScenario } = await import('../../harness/scenario/resolve.js');
const { runScenario } = await import('../../harness/scenario/run.js');
const { findRun } = await import('../../harness/core/registry.js');
const { closeRun } = await import('../../harness/core/run-context.js');
const { ResourceLedger } = await import('../../harness/core/ledger.js');
const { createProvider } = await import('../../harness/providers/registry.js');

const runs = trackRuns('lifecycle.test', state);

rootTest(
  'up → exec <run> master -- ip -j link → down',
  async (t) => {
    const up = await cli(['up', 'baseline'], { env: state.env });
    const runId = /^run ([0-9a-f]{6}) is up/m.exec(up.stdout)?.[1];
    if (runId) runs.push(runId);
    t.is(up.code, 0, up.stdout + up.stderr);
    if (!runId) return t.fail(`no run id in:\n${up.stdout}`);
    t.regex(up.stdout, new RegExp(`^  master\\s+ol-${runId}\\.master$`, 'm'), 'up lists the hosts and where they live');
    // 3 nodes, 6 pods, the switch; and flanneld's etcd member when the run used real flanneld.
    t.is(runNamespaces(runId).length, /^\s+etcd\s/m.test(up.stdout) ? 11 : 10);

    const list = await cli(['list'], { env: state.env });
    t.regex(list.stdout, new RegExp(`${runId}\\s+baseline\\s+up \\(kept\\)`));

    const exec = await cli(['exec', runId, 'master', '--', 'ip', '-j', 'link'], { env: state.env });
    t.is(exec.code, 0, exec.stderr);
    const links = JSON.parse(exec.stdout) as { ifname: string; mtu: number }[];
    t.deepEqual(links.map((l) => l.ifname).sort(), ['cni0', 'eth0', 'flannel.1', 'lo', 'veth0', 'veth1']);
    t.is(links.find((l) => l.ifname === 'flannel.1')?.mtu, 1450);

    // exec runs inside the pod's namespace and passes the command's exit code through.
    const podAddr = await cli(['exec', runId, 'worker02.pod1', '--', 'ip', '-j', '-4', 'addr', 'show', 'dev', 'eth0'], { env: state.env });
    t.is((JSON.parse(podAddr.stdout) as { addr_info: { local: string }[] }[])[0]?.addr_info[0]?.local, '10.244.2.3');
    t.is((await cli(['exec', runId, 'master', '--', 'false'], { env: state.env })).code, 1);
    const noHost = await cli(['exec', runId, 'nosuchhost', '--', 'true'], { env: state.env });
    t.is(noHost.code, 2);
    t.regex(noHost.stderr, /has no host "nosuchhost"; hosts: underlay, master/);

    const down = await cli(['down', runId], { env: state.env });
    t.is(down.code, 0, down.stdout + down.stderr);
    t.deepEqual(runNamespaces(runId), []);
    const again = await cli(['down', runId], { env: state.env });
    t.is(again.code, 2, 'a run that is down is not found');
    t.regex(again.stderr, new RegExp(`no run ${runId}`));
  },
  { serial: true },
);

rootTest('two baseline runs at once do not collide and both tear down', async (t) => {
  const spec = loadScenario('baseline');
  const reports = await Promise.all([runScenario(spec, { keep: true }), runScenario(spec, { keep: true })]);
  runs.push(...reports.map((r) => r.runId));
  const [a, b] = reports.map((r) => r.runId) as [string, string];
  try {
    for (const r of reports) t.is(r.status, 'kept', JSON.stringify(r.error)); // booted and kept, no check ran
    t.not(a, b);
    const nsA = runNamespaces(a);
    const nsB = runNamespaces(b);
    // 3 nodes, 6 pods, the switch; and flanneld's etcd member when the runs used real flanneld.
    for (const [r, ns] of [[reports[0]!, nsA], [reports[1]!, nsB]] as const) t.is(ns.length, r.agent?.kind === 'flanneld' ? 11 : 10, `run ${r.runId} (${r.agent?.kind})`);
    t.deepEqual(nsA.filter((n) => nsB.includes(n)), [], 'no namespace shared');

    // Same addresses in both, each in its own world: every pod of each run answers across nodes.
    for (const run of [a, b]) {
      const record = findRun(run);
      if (!record) return t.fail(`run ${run} not registered`);
      const from = record.hosts['master.pod0']!;
      for (const to of ['10.244.1.2', '10.244.2.3']) {
        const r = await inNetns(from, ['ping', '-n', '-c', '1', '-W', '2', to]);
        t.is(r.code, 0, `run ${run}: master.pod0 -> ${to}: ${r.stdout}`);
      }
      const [vtep] = ipJson<{ address: string }[]>(record.hosts['worker01']!, 'link', 'show', 'dev', 'flannel.1');
      t.is(vtep?.address, '0e:0f:ac:10:01:65', `run ${run}: the same deterministic VTEP MAC`);
    }
  } finally {
    await Promise.all(
      reports.map((r) => {
        const ledger = new ResourceLedger(r.runDir);
        return closeRun({ runId: r.runId, ledger, provider: createProvider('netns', { runId: r.runId, ledger }) });
      }),
    );
  }
  t.deepEqual(runNamespaces(a), []);
  t.deepEqual(runNamespaces(b), []);
  t.is(findRun(a), undefined);
  t.is(findRun(b), undefined);
});
