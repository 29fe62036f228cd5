// Nightly sizes (issue 16): 100 nodes x 10 pods, 200 x 4 and 250 x 1, full reachability (sampled
// above 40 000 pairs, as the check's title says). Slow: run under CI=true or OVERLAB_SLOW=1.
// The 100 x 10 run's report.html is then held to issue 17's limits (under 5 MB, open in headless
// Chromium in under 3 s, matrices and topology summarised): no second 100 x 10 is booted for it.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inCi, isolateState, prereqTest, rootTest } from './_env.js';
import { CHROMIUM, openReport } from './_page-load.js';

const state = isolateState('scale');
const slow = inCi || process.env.OVERLAB_SLOW === '1';
/** The 100 x 10 run's directory, for the report test after it. */
const runDirs: Record<string, string> = {};
const MAX_HTML_BYTES = 5 * 1024 * 1024;
const MAX_LOAD_MS = 3000;

function scenario(nodes: number, pods: number): string {
  const name = `scale-${nodes}x${pods}`;
  const lines = [`name: ${name}`, 'underlay:', '  cidr: 172.16.0.0/16', 'flannel:', '  network: 10.244.0.0/16', '  vni: 1', '  learning: false', '  bridged: false', '  agent: emulated', 'assertions: [reachability]', 'nodes:'];
  for (let i = 0; i < nodes; i++) lines.push(`  - name: node${String(i).padStart(3, '0')}`, `    podCidr: 10.244.${i}.0/24`, `    pods: ${pods}`);
  const file = join(state.root, `${name}.yaml`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

for (const [nodes, pods] of [[100, 10], [200, 4], [250, 1]] as const) {
  const title = `${nodes} x ${pods} boots and every sampled pod pair answers`;
  if (!slow) {
    console.warn(`skipped: ${title}: slow; runs under CI=true or OVERLAB_SLOW=1`);
    test.skip(title, () => undefined);
    continue;
  }
  rootTest(title, async (t) => {
    t.timeout(300_000);
    const r = await cli(['scenario', scenario(nodes, pods)], { env: state.env, timeoutMs: 280_000 });
    t.is(r.code, 0, r.stdout.slice(-3000) + r.stderr);
    t.regex(r.stdout, /PASS\s+reachability\s+(\d+)\/\1 replies/);
    t.log(r.stdout.split('\n').find((l) => / PASSED: /.test(l)) ?? '');
    const html = /^html: +(\S+)\/report\.html$/m.exec(r.stdout);
    if (html) runDirs[`${nodes}x${pods}`] = html[1]!;
  }, { serial: true });
}

const reportTitle = `100 x 10 report.html: under ${MAX_HTML_BYTES / 1024 / 1024} MB, opens in Chromium in under ${MAX_LOAD_MS / 1000} s, matrix and topology summarised`;
if (!slow) test.skip(reportTitle, () => undefined);
else
  prereqTest(reportTitle, existsSync(CHROMIUM) ? [] : ['chromium (apt-get install chromium)'], async (t) => {
    const dir = runDirs['100x10'];
    if (!dir) return t.fail('the 100 x 10 run wrote no report.html (see the test before this one)');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { assertions: { id: string; actual: string }[] };
    const probes = Number(/^(\d+)\/\d+ replies$/.exec(report.assertions.find((a) => a.id.startsWith('reachability'))?.actual ?? '')?.[1]);
    const seen: Record<string, unknown> = {};
    const load = await openReport(join(dir, 'report.html'), async (page) => {
      seen.grid = await page.locator('svg#topology g.tp-nodes-grid').getAttribute('data-nodes');
      seen.pods = await page.locator('svg#topology g.tp-nodes-grid').getAttribute('data-pods');
      seen.podBoxes = await page.locator('svg#topology rect.tp-pod').count();
      seen.summary = await page.locator('#reachability .matrix-summary[data-matrix="pod-to-pod"]').getAttribute('data-probes');
      seen.cells = await page.locator('#reachability table.matrix td').count();
      seen.grids = await page.locator('#reachability svg.matrix-groups').count();
      seen.link = await page.locator('#reachability .matrix-summary a.file').first().getAttribute('href');
    });
    const line = `report.html ${(load.bytes / 1024 / 1024).toFixed(2)} MB, loaded in Chromium in ${load.loadMs.toFixed(0)} ms (limits ${MAX_HTML_BYTES / 1024 / 1024} MB, ${MAX_LOAD_MS} ms)`;
    t.log(line);
    console.log(`scale 100 x 10: ${line}`);
    t.deepEqual(load.problems, []);
    t.true(load.bytes < MAX_HTML_BYTES, line);
    t.true(load.loadMs < MAX_LOAD_MS, line);
    t.deepEqual(seen, { grid: '100', pods: '1000', podBoxes: 0, summary: String(probes), cells: 0, grids: 1, link: 'evidence/reachability-pods.json' });
  }, { serial: true });
