// Keep and drive a testbed (issue 17 item 1): `scenario failover --keep`, traffic started, hand
// failovers (back to bigip1, then bigip1 -> bigip2 -> bigip1) with `overlab check` passing after each, `inspect --output
// json` valid against its schema and naming the unit whose kernel holds traffic-group-1, `exec
// bigip1 -- tmsh show net fdb` in tmsh's shape with the kernel's records, a check that must fail
// after the FDB is broken by hand, the errors (exit 2), `overlab up` as status kept; after `down`
// nothing of the run is left. Every command runs as its own process, as a user would run them.
// About 40 s on 2 cores.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { PROJECT_ROOT, bridgeJson, cli, hostLinks, hostLinksAddedSince, ipJson, isolateState, namespaceInodes, processesIn, rootTest, runNamespaces, trackRuns } from './_env.js';
import { json } from './_kernel-state.js';

const state = isolateState('drive');
const runs = trackRuns('drive.test', state);
/** Each command's wall time, printed at the end (`overlab check` is most of the test). */
const timings: string[] = [];
const run = async (args: string[], timeoutMs = 60_000) => {
  const t0 = Date.now();
  const r = await cli(args, { env: state.env, timeoutMs });
  timings.push(`${args.slice(0, 2).join(' ')}${args.includes('--to') ? ` --to ${args[args.indexOf('--to') + 1]}` : ''}: ${Date.now() - t0} ms`);
  return r;
};

const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'harness', 'scenario', 'inspect.schema.json'), 'utf8')) as Record<string, unknown>;
const validateInspect = new AjvModule.default({ allErrors: true, strict: true }).compile(schema);

interface CheckReport {
  status: string;
  runDir: string;
  assertions: { id: string; status: string }[];
  kept?: { down: string };
}

/** Which unit holds traffic-group-1, from the units' kernels (nft), not through the harness. */
function kernelActive(runId: string): string[] {
  const out: string[] = [];
  for (const unit of ['bigip1', 'bigip2']) {
    const tables = execFileSync('nsenter', [`--net=/run/netns/ol-${runId}.${unit}`, '--', '/usr/sbin/nft', 'list', 'tables'], { encoding: 'utf8' });
    if (tables.split('\n').some((l) => l.trim() === 'table ip overlab_tg1')) out.push(unit);
  }
  return out;
}

rootTest(
  'scenario failover --keep, traffic, failover by hand bigip1 -> bigip2 -> bigip1, check after each, inspect, tmsh, down leaves nothing',
  async (t) => {
    t.timeout(240_000);
    t.teardown(() => console.log(`drive.test: ${timings.join('; ')}`));
    const linksBefore = hostLinks();
    const kept = await run(['scenario', 'failover', '--keep'], 120_000);
    const runId = /^kept:\s+run ([0-9a-f]{6}) stays up$/m.exec(kept.stdout)?.[1];
    if (runId) runs.push(runId);
    t.is(kept.code, 0, kept.stdout + kept.stderr);
    if (!runId) return t.fail(`no run id in:\n${kept.stdout}`);
    t.regex(kept.stdout, new RegExp(`^done:\\s+overlab down ${runId}$`, 'm'));
    const reportDir = join(state.reportsDir, 'failover', runId);
    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as CheckReport;
    t.is(report.status, 'passed', 'the steps and checks ran');
    t.deepEqual(report.kept, { down: `overlab down ${runId}` }, 'the report says it was kept');
    t.true(runNamespaces(runId).length >= 8, 'the testbed is still up');
    // The scenario's own failover step left bigip2 active.
    t.deepEqual(kernelActive(runId), ['bigip2']);

    // Errors: nothing changes, exit 2, the fix named.
    const unknownTo = await run(['failover', runId, '--to', 'bigip3']);
    t.is(unknownTo.code, 2);
    t.regex(unknownTo.stderr, /--to bigip3: run [0-9a-f]{6} has no unit "bigip3"; its units are bigip1, bigip2/);
    const notAlone = await run(['scenario', 'failover', '--keep', '--matrix', 'nodes=2,3']);
    t.is(notAlone.code, 2);
    t.regex(notAlone.stderr, /--keep and --keep-on-failure keep one run of one scenario: not with --all, --matrix or --soak/);
    const noRun = await run(['check', 'ffffff']);
    t.is(noRun.code, 2);
    t.regex(noRun.stderr, /no run ffffff is up; see `overlab list`.*overlab up <scenario>/);
    t.deepEqual(kernelActive(runId), ['bigip2'], 'a refused command changed nothing');

    const start = await run(['traffic', runId, 'start']);
    t.is(start.code, 0, start.stdout + start.stderr);
    t.regex(start.stdout, /first reply after \d+ ms/);
    const again = await run(['traffic', runId, 'start']);
    t.is(again.code, 2, 'one probe at a time');
    t.regex(again.stderr, /traffic already runs .* overlab traffic [0-9a-f]{6} stop/);

    let checks = 0;
    // Back to bigip1, then by hand bigip1 -> bigip2 -> bigip1.
    for (const to of ['bigip1', 'bigip2', 'bigip1']) {
      const f = await run(['failover', runId, '--to', to]);
      t.is(f.code, 0, f.stdout + f.stderr);
      t.regex(f.stdout, new RegExp(`-> ${to}: ${to} is ACTIVE`));
      const outage = /^outage: (\d+\.\d) ms, (\d+) probe\(s\) lost/m.exec(f.stdout);
      t.truthy(outage, `the outage is measured from the probe's replies:\n${f.stdout}`);
      t.true(Number(outage?.[1]) > 0 && Number(outage?.[1]) < 1000, `outage ${outage?.[1]} ms`);
      t.log(`failover to ${to}: ${outage?.[0]}`);
      t.deepEqual(kernelActive(runId), [to], `${to}'s kernel holds traffic-group-1`);

      const c = await run(['check', runId]);
      checks++;
      t.is(c.code, 0, c.stdout + c.stderr);
      const cr = JSON.parse(readFileSync(join(reportDir, `check-${checks}`, 'report.json'), 'utf8')) as CheckReport;
      t.is(cr.status, 'passed');
      t.true(cr.assertions.some((a) => a.id === `fdb-learning[${to}]` && a.status === 'passed'), `judged on ${to}, the unit now active`);
      t.true(cr.assertions.length >= 10);

      const i = await run(['inspect', runId, '--output', 'json']);
      t.is(i.code, 0, i.stderr);
      const view = JSON.parse(i.stdout) as { activeUnit: string; units: { name: string; failoverStatus: string }[]; vteps: { host: string; device: string; mac: string; vni: number }[] };
      t.true(validateInspect(view), JSON.stringify(validateInspect.errors));
      t.is(view.activeUnit, to);
      // The VTEPs as the kernels hold them.
      const [masterVtep] = ipJson<{ address: string }[]>(`ol-${runId}.master`, 'link', 'show', 'dev', 'flannel.0');
      t.is(view.vteps.find((v) => v.host === 'master')?.mac, masterVtep?.address);
      t.deepEqual(view.vteps.map((v) => `${v.host}/${v.device}`).sort(), ['bigip1/flannel_vxlan', 'bigip2/flannel_vxlan', 'master/flannel.0', 'worker/flannel.0']);
    }

    const already = await run(['failover', runId, '--to', 'bigip1']);
    t.is(already.code, 0);
    t.regex(already.stdout, /bigip1 is already ACTIVE: nothing to do/);

    const text = await run(['inspect', runId]);
    t.is(text.code, 0, text.stderr);
    t.regex(text.stdout, /^\s+master\s+flannel\.0\s+0e:0f:0a:a9:48:7f\s+1450\s+10\.217\.0\.0\/32\s+vni 0 local 10\.169\.72\.127 port 8472$/m);
    t.regex(text.stdout, /^units: bigip1 ACTIVE, bigip2 STANDBY; active: bigip1$/m);

    const badLabel = await run(['snapshot', runId, '--label', '../x']);
    t.is(badLabel.code, 2);
    t.regex(badLabel.stderr, /--label "\.\.\/x": use letters, digits, dot, dash and underscore/);
    const snap = await run(['snapshot', runId, '--label', 'by-hand']);
    t.is(snap.code, 0, snap.stderr);
    const units = JSON.parse(readFileSync(join(reportDir, 'evidence', 'units-by-hand.json'), 'utf8')) as { unit: string; failoverStatus: string }[];
    t.deepEqual(units.map((u) => `${u.unit} ${u.failoverStatus}`), ['bigip1 ACTIVE', 'bigip2 STANDBY']);

    // tmsh's shape, and the records the unit's kernel holds.
    const tmsh = await run(['exec', runId, 'bigip1', '--', 'tmsh', 'show', 'net', 'fdb']);
    t.is(tmsh.code, 0, tmsh.stderr);
    t.regex(tmsh.stdout, /^Net::FDB$/m);
    t.regex(tmsh.stdout, /^Tunnel\s+Mac Address\s+Member\s+Dynamic$/m);
    const rows = [...tmsh.stdout.matchAll(/^\/Common\/flannel_vxlan\s+([0-9a-f:]{17})\s+endpoint:([0-9.]+)(?:%0)?\s+(yes|no)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const kernel = bridgeJson<{ mac: string; dst?: string; ifname?: string }[]>(`ol-${runId}.bigip1`, 'fdb', 'show', 'dev', 'flannel_vxlan').filter((e) => e.dst && e.mac !== '00:00:00:00:00:00').map((e) => `${e.mac} ${e.dst}`);
    t.deepEqual(rows.sort(), kernel.sort(), 'every row is a kernel FDB entry of the tunnel, and every entry is a row');
    t.true(rows.length >= 4);
    const refused = await run(['exec', runId, 'bigip1', '--', 'tmsh', '-q', '-c', 'run sys failover standby']);
    t.is(refused.code, 1);
    t.regex(refused.stderr, /sim unit: its tmsh answers show and list only/);

    // Break the FDB by hand: master forgets worker's VTEP. The check must fail, and say where.
    const workerVtep = ipJson<{ address: string }[]>(`ol-${runId}.worker`, 'link', 'show', 'dev', 'flannel.0')[0]!.address;
    const del = await run(['exec', runId, 'master', '--', 'bridge', 'fdb', 'del', workerVtep, 'dev', 'flannel.0', 'dst', '10.169.72.128']);
    t.is(del.code, 0, del.stderr);
    const broken = await run(['check', runId]);
    checks++;
    t.is(broken.code, 1, broken.stdout);
    const br = JSON.parse(readFileSync(join(reportDir, `check-${checks}`, 'report.json'), 'utf8')) as CheckReport;
    t.is(br.status, 'failed');
    t.true(br.assertions.some((a) => a.id === 'flannel-control-plane[master]' && a.status === 'failed'), JSON.stringify(br.assertions.map((a) => `${a.id} ${a.status}`)));

    const stop = await run(['traffic', runId, 'stop']);
    t.is(stop.code, 0, stop.stderr);
    const counts = /UDP sent (\d+), received (\d+)/.exec(stop.stdout);
    t.truthy(counts, stop.stdout);
    t.true(Number(counts?.[2]) > 0 && Number(counts?.[2]) <= Number(counts?.[1]));

    const namespaces = runNamespaces(runId);
    const inodes = namespaceInodes(namespaces);
    const down = await run(['down', runId]);
    t.is(down.code, 0, down.stdout + down.stderr);
    t.deepEqual(runNamespaces(runId), []);
    t.deepEqual((json(['ip', '-j', 'netns', 'list']) as { name: string }[]).filter((n) => n.name.startsWith(`ol-${runId}`)), []);
    t.deepEqual(processesIn(inodes), [], 'no probe, server or daemon of the run is left');
    // Nothing of the run in the host's namespace (what the tests beside make is left out).
    t.deepEqual(hostLinksAddedSince(linksBefore, runId), []);
    const gone = await run(['failover', runId]);
    t.is(gone.code, 2, 'a run that is down is not up');
    t.regex(gone.stderr, /no run [0-9a-f]{6} is up/);
  },
  { serial: true },
);

rootTest(
  '--keep-on-failure keeps only a failed run; overlab up is kept, not passed, and not the latest run for overlab report; a run whose owner still runs is refused',
  async (t) => {
    t.timeout(300_000);
    // --keep-on-failure on a run that passes: torn down as usual.
    const passedRun = await run(['scenario', 'baseline', '--keep-on-failure'], 120_000);
    t.is(passedRun.code, 0, passedRun.stdout + passedRun.stderr);
    const passedId = /; run ([0-9a-f]{6})$/m.exec(passedRun.stdout)?.[1];
    if (passedId) runs.push(passedId);
    t.truthy(passedId, passedRun.stdout);
    t.notRegex(passedRun.stdout, /^kept:/m);
    t.deepEqual(runNamespaces(passedId!), []);

    // ... and on one that fails (master's VTEP down before the checks): kept, and still failing.
    const broken = join(state.root, 'baseline-broken.yaml');
    writeFileSync(broken, readFileSync(join(PROJECT_ROOT, 'scenarios', 'baseline.yaml'), 'utf8').replace(/^name: baseline$/m, 'name: baseline-broken') + 'steps: [boot, configure, { exec: { host: master, argv: [ip, link, set, flannel.1, down] } }, assert, teardown]\n');
    const failed = await run(['scenario', broken, '--keep-on-failure'], 120_000);
    const failedId = /^kept:\s+run ([0-9a-f]{6}) stays up$/m.exec(failed.stdout)?.[1];
    if (failedId) runs.push(failedId);
    t.is(failed.code, 1, failed.stdout + failed.stderr);
    if (!failedId) return t.fail(`not kept:\n${failed.stdout}`);
    t.true(runNamespaces(failedId).length > 0);
    const failedReport = JSON.parse(readFileSync(join(state.reportsDir, 'baseline-broken', failedId, 'report.json'), 'utf8')) as CheckReport;
    t.is(failedReport.status, 'failed');
    t.deepEqual(failedReport.kept, { down: `overlab down ${failedId}` });
    const stillBroken = await run(['check', failedId]);
    t.is(stillBroken.code, 1, stillBroken.stdout);
    t.is((await run(['down', failedId])).code, 0);
    t.deepEqual(runNamespaces(failedId), []);
    const up = await run(['up', 'baseline'], 120_000);
    const runId = /^run ([0-9a-f]{6}) is up/m.exec(up.stdout)?.[1];
    if (runId) runs.push(runId);
    t.is(up.code, 0, up.stdout + up.stderr);
    if (!runId) return t.fail(up.stdout);
    const report = JSON.parse(readFileSync(join(state.reportsDir, 'baseline', runId, 'report.json'), 'utf8')) as CheckReport;
    t.is(report.status, 'kept');
    const latest = await run(['report', 'baseline']);
    t.is(latest.code, 0, latest.stderr);
    t.regex(latest.stdout, /^baseline [0-9a-f]{6} \(passed\):$/m);
    t.notRegex(latest.stdout, new RegExp(`baseline ${runId}`));

    // A run still owned by a live process (this test's) is not driven by hand.
    const { registerRun, listRuns } = await import('../../harness/core/registry.js');
    const record = listRuns().find((r) => r.runId === runId)!;
    registerRun({ ...record, kept: false, pid: process.pid, pidStartTicks: undefined });
    const owned = await run(['check', runId]);
    t.is(owned.code, 2);
    t.regex(owned.stderr, /still being run by its owner \(pid \d+\); wait for it to end, or start the scenario with --keep/);
    registerRun(record);

    const c = await run(['check', runId]);
    t.is(c.code, 0, c.stdout + c.stderr);
    const down = await run(['down', runId]);
    t.is(down.code, 0, down.stderr);
    t.deepEqual(runNamespaces(runId), []);
  },
  { serial: true },
);
