// Kept runs: the status of a run that only booted (overlab up) is `kept`, never `passed`; `overlab
// report <scenario>` does not take one as the scenario's latest run; live checks go to check-<n>.
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomeOf } from '../../harness/scenario/run.js';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { resolveRunDir } from '../../harness/cli/cmd-report.js';
import { nextCheckDir } from '../../harness/scenario/live-check.js';
import type { AssertionResult } from '../../harness/assert/types.js';

const passed = { id: 'mtu', status: 'passed' } as AssertionResult;
const failed = { id: 'reachability', status: 'failed' } as AssertionResult;

test('outcomeOf: boot only and no check is kept; checks that ran decide, kept or not', (t) => {
  const spec = loadScenario('failover');
  t.is(outcomeOf(spec, [], true).status, 'kept');
  t.is(outcomeOf(spec, [passed], true).status, 'passed');
  t.is(outcomeOf(spec, [passed], false).status, 'passed');
  t.is(outcomeOf(spec, [passed, failed], false).status, 'failed');
  // A run that was not boot-only and ran no check is not "kept": nothing failed.
  t.is(outcomeOf(spec, [], false).status, 'passed');
});

test('report <scenario>: the latest run that ran checks, not a newer kept one', (t) => {
  const reports = mkdtempSync(join(tmpdir(), 'overlab-kept-'));
  t.teardown(() => rmSync(reports, { recursive: true, force: true }));
  const run = (id: string, status: string, ageS: number) => {
    const dir = join(reports, 'failover', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ status }));
    const when = new Date(Date.now() - ageS * 1000);
    utimesSync(join(dir, 'report.json'), when, when);
    return dir;
  };
  const checked = run('aaaaaa', 'failed', 60);
  run('bbbbbb', 'kept', 1);
  t.is(resolveRunDir('failover', reports), checked);
  // Named by its id, a kept run is still found.
  t.is(resolveRunDir('bbbbbb', reports), join(reports, 'failover', 'bbbbbb'));
});

test('nextCheckDir: check-1, then one past the highest', (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'overlab-check-'));
  t.teardown(() => rmSync(runDir, { recursive: true, force: true }));
  t.is(nextCheckDir(runDir), join(runDir, 'check-1'));
  mkdirSync(join(runDir, 'check-1'));
  mkdirSync(join(runDir, 'check-3'));
  mkdirSync(join(runDir, 'check-x'));
  t.is(nextCheckDir(runDir), join(runDir, 'check-4'));
});

test('report.html says a kept run is up and how to remove it; a kept-without-checks run reads KEPT', async (t) => {
  const { renderHtml } = await import('../../harness/report/html.js');
  const { sampleReport } = await import('../helpers/report.js');
  const empty: Parameters<typeof renderHtml>[1] = { snapshots: [], units: [], matrices: [], pmtu: [], tmsh: [], nft: [], pcaps: [], files: [], problems: [] };
  const kept = renderHtml(sampleReport({ status: 'passed', kept: { down: 'overlab down ab12cd' } }), empty);
  t.regex(kept, /<div class="alert kept" id="kept">.*<code>overlab down ab12cd<\/code>/s);
  t.notRegex(renderHtml(sampleReport({ status: 'passed' }), empty), /id="kept"/);
  const up = renderHtml(sampleReport({ status: 'kept', assertions: [] }), empty);
  t.regex(up, /data-status="kept"/);
  t.regex(up, /<div class="badge">KEPT<\/div>/);
});
