// Reports of real runs, end to end through the CLI: `overlab scenario failover --bundle`,
// `overlab scenario baseline`, and a failover run held to an outage it cannot meet (so an
// assertion fails). Then: every report.json validates against report.schema.json; every
// junit.xml against junit.xsd, counting as the report does; the bundle unpacks with `tar xzf` to
// exactly the run directory; report.html opens in headless Chromium (Debian's chromium, no
// network) without console errors, with the topology, the timeline chart, the FDB tables and the
// matrices, and leaves a screenshot in the run directory; `overlab report` renders it all again.
//
// Needs root (network namespaces), and chromium and xmllint for their parts: without them a test
// is skipped with the reason printed, except under CI=true where it fails.
import test, { type ExecutionContext } from 'ava';
import { dirTree } from '../helpers/report.js';
import { prereqTest } from './_env.js';
import { CHROMIUM, openReport } from './_page-load.js';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { strictSchema } from '../../harness/report/schema.js';
import type { RunReport } from '../../harness/report/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(ROOT, 'dist', 'harness', 'cli', 'main.js');
const inCi = process.env.CI === 'true';

function onPath(tool: string): boolean {
  return [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'].some((d) => {
    try {
      accessSync(join(d, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const missingForRuns = [process.getuid?.() === 0 ? '' : 'root', ...['ip', 'bridge', 'nsenter', 'ping', 'nft', 'tcpdump'].filter((x) => !onPath(x))].filter(Boolean);
const hasChromium = existsSync(CHROMIUM);
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

const runsMissing = missingForRuns.map((m) => `${m} (run as root with iproute2, nftables, tcpdump: scripts/setup.sh)`);
if (missingForRuns.length && !inCi) console.warn(`report integration tests skipped: need ${missingForRuns.join(', ')}`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
  report: RunReport;
}

const state: { root?: string; env?: NodeJS.ProcessEnv; runs: Record<string, Run> } = { runs: {} };

function cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`overlab ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

async function runScenario(name: string, file: string, extra: string[] = []): Promise<Run> {
  const r = await cli(['scenario', file, ...extra], state.env!);
  const m = /^html: +(\S+)\/report\.html$/m.exec(r.stdout);
  if (!m) throw new Error(`no report.html path in the output of overlab scenario ${file} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  const dir = m[1]!;
  return { ...r, dir, report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport };
}

test.before(async () => {
  if (missingForRuns.length) return;
  state.root = mkdtempSync(join(tmpdir(), 'overlab-report-it-'));
  state.env = { ...process.env, OVERLAB_REPORTS_DIR: join(state.root, 'reports'), OVERLAB_STATE_DIR: join(state.root, 'state') };
  // The failover scenario held to 1 ms: traffic loses a probe or more at failover, so the
  // failover assertion fails and the run must exit 1.
  const strict = readFileSync(join(ROOT, 'scenarios', 'failover.yaml'), 'utf8').replace(/^name: failover$/m, 'name: failover-strict').replace(/maxOutageMs: \d+/, 'maxOutageMs: 1');
  const strictFile = join(state.root, 'failover-strict.yaml');
  writeFileSync(strictFile, strict.replace(/^# yaml-language-server.*\n/m, ''));
  // One at a time: the outage measurement should not compete for the CPU.
  state.runs.failover = await runScenario('failover', 'failover', ['--bundle']);
  state.runs.baseline = await runScenario('baseline', 'baseline');
  state.runs.strict = await runScenario('failover-strict', strictFile);
});

test.after.always(() => {
  if (state.root) rmSync(state.root, { recursive: true, force: true });
});

prereqTest('the runs exit as design.md §4 says, print a summary table and the path of report.html', [...runsMissing, ...([])], (t) => {
  const { failover, baseline, strict } = state.runs;
  t.is(failover!.code, 0, failover!.stdout + failover!.stderr);
  t.is(failover!.report.status, 'passed');
  t.is(baseline!.code, 0, baseline!.stdout + baseline!.stderr);
  for (const run of [failover!, baseline!]) {
    t.notRegex(run.stdout, /\x1b\[|\r/, 'not a terminal: plain lines');
    t.regex(run.stdout, /^ {2}ok  phase boot +[\d.]+ m?s {2}t\+/m);
    t.regex(run.stdout, /^RESULT {2}ASSERTION +ACTUAL$/m);
    t.regex(run.stdout, new RegExp(`^html: +${run.dir}/report\\.html$`, 'm'));
    t.regex(run.stdout, new RegExp(`^report: ${run.dir}/report\\.json$`, 'm'));
    t.true(existsSync(join(run.dir, 'report.html')));
    t.true(existsSync(join(run.dir, 'junit.xml')));
    t.is(run.report.artifacts.html, 'report.html');
    t.is(run.report.artifacts.junit, 'junit.xml');
  }
  t.regex(failover!.stdout, /^bundle: +\S+\.tar\.gz$/m);
  // The strict run: an assertion failed, exit 1, and the terminal says which and what was expected.
  const failed = strict!.report.assertions.filter((a) => a.status === 'failed');
  if (strict!.report.status === 'failed') {
    t.is(strict!.code, 1);
    t.deepEqual(failed.map((a) => a.id), ['failover']);
    t.regex(strict!.stdout, /^FAIL failover: traffic through the VIP recovers within 1 ms and bigip2 serves it — outage \d+ ms/m, 'shown as it happens');
    t.regex(strict!.stdout, /^FAIL {4}failover +outage/m, 'and in the summary table');
    t.regex(strict!.stdout, /expected: outage <= 1 ms; bigip2 active/);
    const total = strict!.report.assertions.length;
    t.regex(strict!.stdout, new RegExp(`^failover-strict FAILED: ${total - 1}/${total} assertions passed; boot [\\d.]+ ms, teardown [\\d.]+ ms, total [\\d.]+ ms; outage [\\d.]+ ms, probes lost \\d+/\\d+(; flannel: (emulated|flanneld v[\\d.]+))?; run [0-9a-f]{6}$`, 'm'));
  } else {
    // No probe lost at all (rare on a quiet machine): then nothing failed and it exits 0.
    t.log(`the strict run lost no probe (outage ${strict!.report.metrics.failoverOutageMs} ms): nothing to fail`);
    t.is(strict!.code, 0);
  }
}, { serial: true });

prereqTest('the bundle unpacks with tar xzf to exactly the run directory', [...runsMissing, ...([])], (t) => {
  const run = state.runs.failover!;
  t.is(run.report.artifacts.bundle, `../${run.report.runId}.tar.gz`);
  const bundle = resolve(run.dir, run.report.artifacts.bundle!);
  t.true(existsSync(bundle));
  const out = mkdtempSync(join(state.root!, 'unpack-'));
  execFileSync('tar', ['xzf', bundle, '-C', out]);
  t.deepEqual(readdirSync(out), [run.report.runId]);
  t.deepEqual(dirTree(join(out, run.report.runId)), dirTree(run.dir));
  for (const f of ['report.json', 'report.html', 'junit.xml', 'evidence/probes.json', 'evidence/snapshot-after.json', 'ledger.jsonl']) t.true(f in dirTree(run.dir), f);
}, { serial: true });

prereqTest('every report.json validates against harness/report/report.schema.json', [...runsMissing, ...([])], (t) => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'harness', 'report', 'report.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new AjvModule.default({ allErrors: true, strict: true });
  const published = ajv.compile(schema);
  const strict = ajv.compile({ ...strictSchema(schema), $id: 'overlab/report.schema.strict.json' });
  for (const [name, run] of Object.entries(state.runs)) {
    t.true(published(run.report), `${name}: ${JSON.stringify(published.errors)}`);
    t.true(strict(run.report), `${name} has a field report.schema.json does not describe (add it to harness/report/schema.ts): ${JSON.stringify(strict.errors)}`);
  }
  t.truthy(state.runs.failover!.report.topology.flannel, 'the report describes the overlay');
  t.is(state.runs.failover!.report.topology.bigips.find((u) => u.haState === 'active')?.name, 'bigip2');
}, { serial: true });

prereqTest('junit.xml of real runs validates against junit.xsd and counts what the report counts', [...runsMissing, ...(hasXmllint ? [] : ['xmllint (apt-get install libxml2-utils)'])], (t) => {
  const xsd = join(ROOT, 'harness', 'report', 'junit.xsd');
  for (const [name, run] of Object.entries(state.runs)) {
    const file = join(run.dir, 'junit.xml');
    const v = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
    t.is(v.status, 0, `${name}: ${v.stderr}`);
    const x = (xpath: string) => execFileSync('xmllint', ['--xpath', xpath, file], { encoding: 'utf8' }).trim();
    t.is(x('string(/testsuites/testsuite/@name)'), run.report.scenario);
    t.is(Number(x('count(//testcase)')), run.report.assertions.length);
    const failed = run.report.assertions.filter((a) => a.status === 'failed');
    t.is(Number(x('string(/testsuites/testsuite/@failures)')), failed.length);
    t.is(Number(x('count(//testcase[failure])')), failed.length);
    for (const a of failed) t.regex(x(`string(//testcase[starts-with(@name, "${a.id}:")]/failure)`), new RegExp(`expected: ${escapeRe(a.expected)}`));
  }
}, { serial: true });

prereqTest('report.html opens in headless Chromium: no console errors, nothing fetched, chart, FDB tables and matrices there', [...runsMissing, ...(hasChromium ? [] : ['chromium (apt-get install chromium)'])], async (t) => {
  for (const name of ['failover', 'strict'] as const) {
    const run = state.runs[name]!;
    // Console errors, page errors and any fetch are the load's problems (none allowed).
    const load = await openReport(join(run.dir, 'report.html'), async (page) => {
      t.is(await page.title(), `${run.report.status === 'passed' ? 'PASSED' : 'FAILED'} · ${run.report.scenario} · run ${run.report.runId} · overlab`);
      // Topology with the active unit; the timeline chart with its marks.
      t.true(await page.locator('svg#topology').isVisible());
      t.is(await page.locator('#tp-unit-bigip2').getAttribute('data-ha'), 'active');
      // traffic-group-1 on the active unit: the VIP, and the failover scenario has no floating self IP.
      t.is(await page.locator('svg#topology g.tp-traffic-group').getAttribute('data-holder'), 'bigip2');
      t.is(await page.locator('svg#topology .tp-floating-self').textContent(), 'no floating self IP');
      t.true(await page.locator('svg#failover-timeline').isVisible());
      const points = await page.locator('svg#failover-timeline circle.tl-point').count();
      t.true(points >= 30, `${points} answered probes drawn`);
      t.is(await page.locator('svg#failover-timeline #failover-moment').count(), 1);
      if ((run.report.metrics.probesLostInGap ?? 0) > 0) t.is(await page.locator('svg#failover-timeline #outage-window').count(), 1);
      t.is(await page.locator('svg#failover-timeline .tl-lost-marks path.tl-lost').count(), run.report.metrics.probesLost ?? 0);
      // FDB tables: both units in tmsh shape and both nodes in bridge shape, before and after.
      for (const host of ['bigip1', 'bigip2', 'master', 'worker']) t.is(await page.locator(`#fdb-${host} table.fdb-table`).count(), 2, host);
      t.is(await page.locator('#fdb-bigip2 th').first().textContent(), 'Tunnel');
      t.true((await page.locator('#fdb-bigip2 table.fdb-table').last().textContent())!.includes('endpoint:10.169.72.127'));
      // Reachability matrices: four kinds, before and after, every cell answered.
      t.is(await page.locator('table.matrix').count(), 8);
      t.is(await page.locator('table.matrix td.fail').count(), 0);
      t.true(await page.locator('#mtu-table').isVisible());
      t.true(await page.locator('svg#phase-chart').isVisible());
      // The filter buttons work (the page's only script).
      await page.locator('.filters button[data-filter="failed"]').click();
      const shown = await page.locator('#assertion-table tbody tr[data-status]:visible').count();
      t.is(shown, run.report.assertions.filter((a) => a.status === 'failed').length);
      await page.locator('.filters button[data-filter="all"]').click();
      const shot = join(run.dir, 'report-screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      t.true(statSync(shot).size > 50_000, 'a screenshot of the whole page');
      t.deepEqual([...readFileSync(shot).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    });
    t.log(`${name}: report.html ${(load.bytes / 1024).toFixed(0)} KiB, loaded in Chromium in ${load.loadMs.toFixed(0)} ms`);
    t.true(load.bytes < 5 * 1024 * 1024 && load.loadMs < 3000, `${name}: ${load.bytes} bytes, ${load.loadMs} ms (issue 17: under 5 MB and 3 s)`);
    t.deepEqual(load.problems, [], `${name}: console errors, or something fetched`);
  }
}, { serial: true });

prereqTest('overlab report renders report.html and junit.xml again from report.json and evidence', [...runsMissing, ...([])], async (t) => {
  const run = state.runs.baseline!;
  const html = readFileSync(join(run.dir, 'report.html'), 'utf8');
  const junit = readFileSync(join(run.dir, 'junit.xml'), 'utf8');
  rmSync(join(run.dir, 'report.html'));
  rmSync(join(run.dir, 'junit.xml'));
  const r = await cli(['report', run.dir], state.env!);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`html: +${escapeRe(join(run.dir, 'report.html'))}`));
  const strip = (s: string) => s.replace(/rendered [0-9T:.\-Z]+ from/, 'rendered … from');
  t.is(strip(readFileSync(join(run.dir, 'report.html'), 'utf8')), strip(html));
  t.is(readFileSync(join(run.dir, 'junit.xml'), 'utf8'), junit);
  // By run id and by scenario name (its latest run) under the reports directory; one JUnit for several runs.
  const combined = join(state.root!, 'combined.xml');
  const both = await cli(['report', run.report.runId, 'failover', '--junit', combined], state.env!);
  t.is(both.code, 0, both.stderr);
  t.regex(both.stdout, /baseline [0-9a-f]+ \(passed\):/);
  t.regex(both.stdout, /failover [0-9a-f]+ \(passed\):/);
  if (hasXmllint) {
    t.is(spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'harness', 'report', 'junit.xsd'), combined]).status, 0);
    t.is(execFileSync('xmllint', ['--xpath', 'count(/testsuites/testsuite)', combined], { encoding: 'utf8' }).trim(), '2');
  }
  const none = await cli(['report', join(state.root!, 'nowhere')], state.env!);
  t.is(none.code, 2);
  t.regex(none.stderr, /no run ".*nowhere"/);
}, { serial: true });


function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
