// The terminal side of a run: plain lines when the output is a log (not a TTY, or CI=true), an
// updating status line on a terminal, and the summary table with the report's path.
import test from 'ava';
import { createProgress, formatSummary, isLive, plannedPhases } from '../../harness/cli/output.js';
import type { RunReport } from '../../harness/report/types.js';
import { assertion, sampleReport } from '../helpers/report.js';

class Sink {
  text = '';
  isTTY: boolean;
  columns = 100;
  constructor(tty: boolean) {
    this.isTTY = tty;
  }
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

const a = assertion;

const report = (over: Partial<RunReport> = {}): RunReport =>
  sampleReport({
    phases: [],
    metrics: { bootMs: 82.8, failoverOutageMs: 20.4, probesSent: 71, probesLost: 1, teardownMs: 8.1 },
    artifacts: { pcaps: [], html: 'report.html', junit: 'junit.xml' },
    runDir: '/r/failover/abc123',
    ...over,
  });

test('planned phases follow the scenario steps, named as the runner reports them', (t) => {
  t.deepEqual(plannedPhases({}), ['boot', 'configure', 'assert', 'teardown']);
  t.deepEqual(plannedPhases({ steps: ['boot', { warmup: 300 }, { snapshot: 'before' }, { converge: { timeoutMs: 3000 } }, 'teardown'] }), ['boot', 'warmup 300 ms', 'snapshot before', 'converge', 'teardown']);
});

test('not a terminal (or CI=true): plain lines, no control characters', (t) => {
  const out = new Sink(false);
  t.false(isLive(out));
  const p = createProgress('failover on netns', ['boot', 'assert'], { stream: out });
  p.phase({ name: 'boot', durationMs: 82.7, status: 'passed' });
  p.assertion(a('mtu', 'passed'));
  p.assertion(a('failover', 'failed'));
  p.phase({ name: 'assert', durationMs: 1201, status: 'error' });
  p.stop();
  t.notRegex(out.text, /\x1b|\r/);
  const lines = out.text.trimEnd().split('\n');
  t.is(lines[0], 'failover on netns: 2 steps');
  t.regex(lines[1]!, /^ {2}ok  phase boot +83 ms {2}t\+\d\.\d s$/);
  t.regex(out.text, /^PASS mtu: mtu — mtu actual$/m, 'every verdict as it comes, one line each');
  t.regex(out.text, /^FAIL failover: failover — failover actual \(expected: failover expected\)$/m);
  t.regex(lines[lines.length - 1]!, /^ ERR  phase assert +1\.20 s {2}error {2}t\+/);
});

test('CI=true is never live, even on a terminal', (t) => {
  const saved = process.env.CI;
  process.env.CI = 'true';
  try {
    t.false(isLive(new Sink(true)));
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});

test('a terminal: one status line redrawn in place, finished phases above it, failures as they come, cleared at the end', (t) => {
  const out = new Sink(true);
  const p = createProgress('failover on netns', ['boot', 'configure'], { stream: out, live: true, color: false });
  t.regex(out.text, /^\r\x1b\[2K. \[1\/2\] boot {2}0\.0 s {2}failover on netns · 0\.0 s$/);
  p.phase({ name: 'boot', durationMs: 82.7, status: 'passed' });
  t.regex(out.text, /\r\x1b\[2K✓ boot +83 ms {2}t\+0\.\d s\n\r\x1b\[2K. \[2\/2\] configure {2}0\.0 s/);
  p.assertion(a('mtu', 'passed'));
  t.notRegex(out.text, /mtu actual/, 'passes wait for the summary table');
  p.assertion(a('failover', 'failed'));
  t.regex(out.text, /\r\x1b\[2KFAIL failover: failover actual\n {5}expected: failover expected\n\r\x1b\[2K. \[2\/2\] configure .*1 passed, 1 failed/);
  p.stop();
  t.true(out.text.endsWith('\r\x1b[2K'), 'the status line is gone before the summary');
});

test('summary: a table of assertions, the verdict with figures, and where the report is', (t) => {
  const text = formatSummary(report({ status: 'failed', assertions: [a('mtu', 'passed'), a('failover', 'failed')] }));
  t.regex(text, /RESULT {2}ASSERTION +ACTUAL/);
  t.regex(text, /PASS {4}mtu +mtu actual/);
  t.regex(text, /FAIL {4}failover +failover actual\n +expected: failover expected/);
  t.regex(text, /^failover FAILED: 1\/2 assertions passed; boot 82\.8 ms, teardown 8\.1 ms, total 2157\.7 ms; outage 20\.4 ms, probes lost 1\/71; run abc123$/m);
  t.regex(text, /^html: {3}\/r\/failover\/abc123\/report\.html$/m);
  t.regex(text, /^junit: {2}\/r\/failover\/abc123\/junit\.xml$/m);
  t.regex(text, /^report: \/r\/failover\/abc123\/report\.json$/m);
});

test('summary of a big run: passes counted per check, every failure listed; declared failures read XFAIL', (t) => {
  const many = [...Array.from({ length: 30 }, (_, i) => a(`reachability[p${i}]`, 'passed')), a('reachability[p99]', 'failed'), a('failover', 'failed')];
  const reproduction = { symptom: 's', rootCause: 'r', fix: 'f', shows: 'after-failover', expectFailed: ['failover'], verdict: 'v' };
  const text = formatSummary(report({ status: 'failed', assertions: many, reproduction }));
  t.regex(text, /PASS {4}reachability \(30\) +all 30 passed/);
  t.regex(text, /FAIL {4}reachability\[p99\]/);
  t.regex(text, /XFAIL {3}failover/);
  t.regex(text, /reproduction: v/);
  t.is(text.split('\n').filter((l) => /^(PASS|FAIL|XFAIL)/.test(l)).length, 3);
});

test('a reproduction: a declared failure streams as XFAIL with what it is, like the table; any other failure is a bare FAIL', (t) => {
  const reproduces = { symptom: 'pods answer the floating self IP through bigip1 forever', expectFailed: ['failover', 'reachability[unit-to-pod@*'] };
  for (const live of [false, true]) {
    const out = new Sink(live);
    const p = createProgress('floating-selfip on netns', ['assert'], { stream: out, live, color: false, reproduces });
    p.assertion(a('failover', 'failed'));
    p.assertion(a('reachability[unit-to-pod@after]', 'failed'));
    p.assertion(a('mtu', 'failed'));
    p.stop();
    t.notRegex(out.text, /(^|[^X])FAIL failover/m, `${live ? 'live' : 'plain'}: no bare FAIL for a declared failure`);
    t.regex(out.text, /XFAIL failover: /);
    t.regex(out.text, /XFAIL reachability\[unit-to-pod@after\]: /);
    t.regex(out.text, /(^|\r\x1b\[2K)FAIL mtu: /m, 'an undeclared failure is still FAIL');
    if (!live) t.regex(out.text, /^XFAIL failover: .*\(expected failure: part of the symptom this scenario reproduces: pods answer/m);
  }
  // The summary table says the same words for the same assertions.
  const r = report({ status: 'failed', reproduction: { ...reproduces, rootCause: 'x', fix: 'y', shows: 'after-failover', expectFailed: [...reproduces.expectFailed], verdict: 'v' }, assertions: [a('failover', 'failed'), a('mtu', 'failed')] });
  const summary = formatSummary(r, { width: 200 });
  t.regex(summary, /XFAIL +failover/);
  t.regex(summary, /FAIL +mtu/);
});

test('a failover that never recovered says so from its own field, and a report without the field but with the old -1 too', (t) => {
  const never = report({ status: 'failed', failover: { recovered: false }, metrics: { bootMs: 80, probesSent: 300, probesLost: 290 } });
  t.regex(formatSummary(never), /outage never recovered/);
  t.notRegex(formatSummary(never), /-1/);
  const legacy = report({ status: 'failed', metrics: { bootMs: 80, failoverOutageMs: -1 } });
  t.regex(formatSummary(legacy), /outage never recovered/);
  const recovered = report({ failover: { recovered: true, outageMs: 42.3 }, metrics: { bootMs: 80, failoverOutageMs: 42.3 } });
  t.regex(formatSummary(recovered), /outage 42\.3 ms/);
});

test('the --all and --matrix table: a failover that never recovered reads so, a recovered one its outage', async (t) => {
  const { formatRunTable } = await import('../../harness/cli/run-all.js');
  const table = formatRunTable([report({ scenario: 'a', status: 'failed', failover: { recovered: false }, metrics: {} }), report({ scenario: 'b', failover: { recovered: true, outageMs: 48.4 }, metrics: { failoverOutageMs: 48.4 } }), report({ scenario: 'c', metrics: {} })], ['x', 'y', 'z']);
  t.regex(table, /a +failed +2\/2 +never recovered/);
  t.regex(table, /b +passed +2\/2 +48 ms/);
  t.regex(table, /c +passed +2\/2 +- /);
  t.notRegex(table, /-1/);
});
