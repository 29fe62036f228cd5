// junit.xml: one testsuite per scenario run, one testcase per assertion, failures with expected
// and actual. Every file is checked against harness/report/junit.xsd with xmllint (Debian's
// libxml2-utils; without it these checks skip with the reason, or fail under CI=true), and read
// back with XPath the way a CI reporter counts: failures appear as failures.
import test, { type ExecutionContext } from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJunit } from '../../harness/report/junit.js';
import type { RunReport } from '../../harness/report/types.js';
import { sampleReport } from '../helpers/report.js';
import type { AssertionResult } from '../../harness/assert/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const XSD = join(ROOT, 'harness', 'report', 'junit.xsd');
const inCi = process.env.CI === 'true';
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/**
 * A test that validates against junit.xsd with xmllint: registered as skipped (reason printed)
 * where xmllint is missing, never counted as a pass; under CI=true it fails instead.
 */
function xmllintTest(title: string, impl: (t: ExecutionContext) => void | Promise<void>): void {
  if (hasXmllint) test(title, impl);
  else if (inCi) test(title, (t) => t.fail('CI=true and xmllint is missing: apt-get install libxml2-utils (scripts/setup.sh installs it)'));
  else {
    console.warn(`skipped: ${title}: xmllint not found (apt-get install libxml2-utils)`);
    test.skip(title, impl);
  }
}

/** Writes the XML to a temp file, validates it against junit.xsd, and returns an XPath evaluator. */
function checked(t: ExecutionContext, xml: string): (xpath: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-junit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'junit.xml');
  writeFileSync(file, xml);
  const v = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  t.is(v.status, 0, `junit.xml is valid against junit.xsd:\n${v.stderr}\n${xml}`);
  return (xpath) => execFileSync('xmllint', ['--xpath', xpath, file], { encoding: 'utf8' }).trim();
}

const assertion = (id: string, status: 'passed' | 'failed', extra: Partial<AssertionResult> = {}): AssertionResult => ({
  id,
  title: `${id} title`,
  status,
  expected: `${id} expected`,
  actual: `${id} actual`,
  evidence: [`evidence/${id.replace(/\W+/g, '-')}.json`],
  ...extra,
});

function report(over: Partial<RunReport> = {}): RunReport {
  return sampleReport({ assertions: [assertion('mtu', 'passed'), assertion('reachability[pod-to-pod@after]', 'passed')], ...over });
}

xmllintTest('a passing run: one testsuite named after the scenario, one testcase per assertion, no failures', (t) => {
  const x = checked(t, renderJunit([report()]));
  t.is(x('string(/testsuites/testsuite/@name)'), 'failover');
  t.is(x('count(/testsuites/testsuite/testcase)'), '2');
  t.is(x('string(/testsuites/testsuite/@tests)'), '2');
  t.is(x('string(/testsuites/testsuite/@failures)'), '0');
  t.is(x('string(/testsuites/@failures)'), '0');
  t.is(x('count(//failure)'), '0');
  t.is(x('string(/testsuites/testsuite/@time)'), '2.158');
  t.is(x('string(/testsuites/testsuite/@timestamp)'), '2026-11-25T00:45:29');
  t.is(x('string(//property[@name="runId"]/@value)'), 'abc123');
  t.is(x('string(//property[@name="metrics.failoverOutageMs"]/@value)'), '20.4');
  t.is(x('string(/testsuites/testsuite/testcase[2]/@classname)'), 'overlab.failover.reachability');
  t.regex(x('string(/testsuites/testsuite/testcase[2]/@name)'), /^reachability\[pod-to-pod@after\]: /);
});

xmllintTest('failed assertions appear as failures carrying expected and actual', (t) => {
  const failed = assertion('failover', 'failed', { expected: 'outage <= 1000 ms; bigip2 active', actual: 'never recovered, 300 probes lost in the gap; active after: none' });
  const x = checked(t, renderJunit([report({ status: 'failed', assertions: [assertion('mtu', 'passed'), failed] })]));
  t.is(x('string(/testsuites/testsuite/@failures)'), '1');
  t.is(x('string(/testsuites/@failures)'), '1');
  t.is(x('count(//testcase[failure])'), '1');
  t.regex(x('string(//testcase[failure]/@name)'), /^failover: /);
  const message = x('string(//failure/@message)');
  t.true(message.includes('outage <= 1000 ms; bigip2 active'), message);
  t.true(message.includes('never recovered'), message);
  const body = x('string(//failure)');
  t.regex(body, /expected: outage <= 1000 ms; bigip2 active/);
  t.regex(body, /actual: never recovered/);
  t.regex(body, /evidence: evidence\/failover\.json/);
  t.is(x('string(//failure/@type)'), 'AssertionFailed');
});

xmllintTest('a run that could not run is an error testcase; several runs are several testsuites', (t) => {
  const broken = report({ scenario: 'baseline', runId: 'def456', status: 'error', assertions: [], error: { name: 'PreflightError', message: 'missing prerequisites:\n  - tcpdump: apt-get install tcpdump' }, phases: [{ name: 'boot', durationMs: 3, status: 'error' }] });
  const x = checked(t, renderJunit([report(), broken]));
  t.is(x('count(/testsuites/testsuite)'), '2');
  t.is(x('string(/testsuites/testsuite[2]/@name)'), 'baseline');
  t.is(x('string(/testsuites/testsuite[2]/@errors)'), '1');
  t.is(x('string(/testsuites/@errors)'), '1');
  t.is(x('string(//error/@type)'), 'PreflightError');
  t.regex(x('string(//error)'), /apt-get install tcpdump/);
  t.regex(x('string(//error)'), /phase: boot/);
});

xmllintTest('a reproduced known failure: declared failures are skipped (expected), the verdict is its own testcase', (t) => {
  const reproduction = { symptom: 'traffic stops after failover', rootCause: 'static pod ARP', fix: 'no static ARP', shows: 'after-failover', expectFailed: ['failover', 'reachability[*'], verdict: 'symptom shown: failover failed as declared' };
  const repro = report({ scenario: 'failover-static-arp', status: 'reproduced', reproduction, assertions: [assertion('mtu', 'passed'), assertion('failover', 'failed')] });
  const x = checked(t, renderJunit([repro]));
  t.is(x('string(/testsuites/testsuite/@failures)'), '0');
  t.is(x('string(/testsuites/testsuite/@skipped)'), '1');
  t.regex(x('string(//testcase[skipped]/@name)'), /^failover: /);
  t.regex(x('string(//testcase[starts-with(@name, "reproduction")]/system-out)'), /symptom shown/);
  // The same scenario when the symptom did not show: the verdict testcase fails.
  const notShown = report({ scenario: 'failover-static-arp', status: 'failed', reproduction: { ...reproduction, verdict: 'the declared symptom did not show: expected to fail but passed: failover' }, assertions: [assertion('failover', 'passed')] });
  const y = checked(t, renderJunit([notShown]));
  t.is(y('string(/testsuites/testsuite/@failures)'), '1');
  t.regex(y('string(//failure/@message)'), /did not show/);
});

xmllintTest('text that is not XML-safe is escaped or replaced, never breaking the file', (t) => {
  const nasty = assertion('reachability[a&b]', 'failed', { title: 'quotes " and \' and <tags>', actual: 'control \u0001\u001b[31m chars & ]]> end', expected: 'line\nbreaks\tand tabs' });
  const x = checked(t, renderJunit([report({ status: 'failed', scenario: 'we<ird>&"name', assertions: [nasty] })]));
  t.is(x('string(/testsuites/testsuite/@name)'), 'we<ird>&"name');
  t.regex(x('string(//failure)'), /\]\]> end/);
  t.regex(x('string(//failure/@message)'), /line\nbreaks\tand tabs/);
});

xmllintTest('a reproduction this provider cannot show: the verdict testcase is <skipped> with the reason, not green', (t) => {
  const reproduction = { symptom: 'traffic does not follow the active unit', rootCause: 'nolearning', fix: 'dummy nodes', shows: 'not-on-this-provider', expectFailed: [], notReproducible: 'node-side learning is not on the path', verdict: 'not reproducible on this provider: node-side learning is not on the path' };
  const r = report({ scenario: 'failover-nolearning', status: 'not-reproducible', reproduction });
  const x = checked(t, renderJunit([r]));
  t.is(x('string(/testsuites/testsuite/@failures)'), '0');
  t.is(x('string(/testsuites/testsuite/@errors)'), '0');
  t.is(x('string(/testsuites/testsuite/@skipped)'), '1');
  t.is(x('count(//testcase[skipped])'), '1');
  t.regex(x('string(//testcase[skipped]/@name)'), /^reproduction: traffic does not follow/);
  t.regex(x('string(//skipped/@message)'), /not reproducible on this provider: node-side learning is not on the path/);
  // The assertions themselves passed, and say so.
  t.is(x('count(//testcase[not(skipped) and not(failure)])'), '2');
});

xmllintTest('testcases carry their assertion\'s own time; the suite carries the run\'s', (t) => {
  const r = report({ assertions: [assertion('mtu', 'passed', { durationMs: 12.5 }), assertion('reachability[pod-to-pod@after]', 'passed', { durationMs: 1534 }), assertion('pmtu', 'passed')] });
  const x = checked(t, renderJunit([r]));
  t.is(x('string(//testcase[starts-with(@name, "mtu")]/@time)'), '0.013');
  t.is(x('string(//testcase[starts-with(@name, "reachability")]/@time)'), '1.534');
  t.is(x('string(//testcase[starts-with(@name, "pmtu")]/@time)'), '0.000', 'a report from before durations: 0, not made up');
  t.is(x('string(/testsuites/testsuite/@time)'), '2.158');
});
