// CI conventions of the command line, through the real CLI: every command's --help describes
// every option; `overlab completion bash|zsh` sources in the real shells and completes; did you
// mean; bare `overlab`; --output json parsed and validated against its schemas; clean --reports
// --older-than on a reports directory with old and fresh runs. The runs that need root (a
// not-reproducible reproduction with --junit-file, a reproduction's streamed lines, exec's
// command words) are rootTests; the rest runs anywhere. Serial: a dozen CLIs starting at once on
// a 2-core machine only time each other out.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { CLI, PROJECT_ROOT, cli, inCi, isolateState, prereqTest, rootTest, runNamespaces, trackRuns } from './_env.js';
import { helpEntries } from '../helpers/help-text.js';
import { ListOutputSchema, PlanOutputSchema, ScenarioOutputSchema } from '../../harness/cli/json-output.js';

const state = isolateState('cli');
const runs = trackRuns('cli', state);
const ajv = new AjvModule.default({ allErrors: true, strict: false });
const XSD = join(PROJECT_ROOT, 'harness', 'report', 'junit.xsd');

/** `overlab` on PATH, as `npm link` makes it: the completion scripts call it by name. */
const bin = join(state.root, 'bin');
mkdirSync(bin, { recursive: true });
writeFileSync(join(bin, 'overlab'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
chmodSync(join(bin, 'overlab'), 0o755);
const shellEnv = { ...state.env, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };

const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

test.serial('every command\'s --help lists its positionals and options, each with a description; --provider with its choices', async (t) => {
  const top = await cli(['--help'], { env: state.env });
  t.is(top.code, 0, top.stderr);
  const commands = helpEntries(top.stdout).filter((e) => e.section === 'Commands');
  t.true(commands.length >= 11, `commands found: ${commands.map((c) => c.name).join(', ')}`);
  for (const c of commands) t.not(c.description, '', `command ${c.name} has a description`);
  const withProvider: string[] = [];
  for (const { name } of commands) {
    const r = await cli([name, '--help'], { env: state.env });
    t.is(r.code, 0, `${name} --help: ${r.stderr}`);
    const entries = helpEntries(r.stdout).filter((e) => e.section !== 'Commands');
    t.true(entries.some((e) => e.name === '--help'), `${name}: options read from its help`);
    for (const e of entries) t.not(e.description, '', `${name} ${e.name} has a description (help line: ${e.notes.join(' ')})`);
    const provider = entries.find((e) => e.name === '--provider');
    if (provider) withProvider.push(name);
    if (provider) t.true(provider.notes.some((n) => /^\[choices: "netns", "docker", "vagrant", "ssh", "kind"\]$/.test(n)), `${name} --provider shows its choices: ${provider.notes.join(' ')}`);
  }
  t.deepEqual(withProvider, ['scenario', 'plan', 'up', 'doctor'], 'the commands that take --provider');
});

test.serial('bare overlab prints the help on stderr and exits 2; unknown commands and scenario names get a did you mean', async (t) => {
  const bare = await cli([], { env: state.env });
  t.is(bare.code, 2);
  t.is(bare.stdout, '');
  t.regex(bare.stderr, /Commands:\n {2}overlab scenario/);
  t.regex(bare.stderr, /overlab: name a command/);
  const cmd = await cli(['scenaro', 'failover'], { env: state.env });
  t.is(cmd.code, 2);
  t.regex(cmd.stderr, /unknown command "scenaro": did you mean scenario\? \(overlab --help lists the commands\)/);
  const name = await cli(['plan', 'falover'], { env: state.env });
  t.is(name.code, 2);
  t.regex(name.stderr, /no scenario named "falover"; did you mean failover\? known: baseline/);
  const none = await cli(['plan', 'xyzzy'], { env: state.env });
  t.is(none.code, 2);
  t.notRegex(none.stderr, /did you mean/, 'nothing near: no guess');
  const shell = await cli(['completion', 'fish'], { env: state.env });
  t.is(shell.code, 2);
  t.regex(shell.stderr, /completion: name the shell, bash or zsh \(got fish\)/);
  const output = await cli(['list', '--output', 'yaml'], { env: state.env });
  t.is(output.code, 2);
  t.regex(output.stderr, /Choices: "text", "json"/);
});

/** COMP_WORDS and COMP_CWORD as bash sets them for the line typed so far, then the script's function. */
function bashComplete(words: string[]): { status: number | null; replies: string[]; stderr: string } {
  const script = `source <(overlab completion bash) || exit 9
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_overlab_yargs_completions
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { env: shellEnv, encoding: 'utf8' });
  return { status: r.status, replies: r.stdout.split('\n').filter(Boolean), stderr: r.stderr };
}

test.serial('overlab completion bash sources without error and completes commands, scenario names and choices', (t) => {
  const sourced = spawnSync('bash', ['-c', 'set -e; source <(overlab completion bash); complete -p overlab'], { env: shellEnv, encoding: 'utf8' });
  t.is(sourced.status, 0, sourced.stderr);
  t.is(sourced.stderr, '');
  t.regex(sourced.stdout, /complete .*-F _overlab_yargs_completions overlab/);
  t.deepEqual(bashComplete(['overlab', 'sc']).replies, ['scenario']);
  const names = bashComplete(['overlab', 'scenario', 'failover-n']);
  t.deepEqual(names.replies, ['failover-nolearning'], names.stderr);
  t.deepEqual(bashComplete(['overlab', 'plan', 'vtep-d']).replies, ['vtep-deleted', 'vtep-deleted-fix']);
  t.deepEqual(bashComplete(['overlab', 'scenario', 'failover', '--provider', 'do']).replies, ['docker']);
  t.true(bashComplete(['overlab', 'clean', '--old']).replies.includes('--older-than'));
  // The check can fail: a script that does not parse is caught the same way.
  const broken = spawnSync('bash', ['-c', 'source <(overlab completion bash | sed "s/^}$/{/") || exit 9'], { env: shellEnv, encoding: 'utf8' });
  t.not(broken.status, 0);
});

prereqTest('overlab completion zsh sources in zsh (with compinit) and answers zsh-style, with descriptions', onPath('zsh') ? [] : ['zsh (apt-get install zsh)'], (t) => {
  const sourced = spawnSync('zsh', ['-f', '-c', 'autoload -U compinit && compinit -u -D && source <(overlab completion zsh) && print -r -- ${_comps[overlab]}'], { env: shellEnv, encoding: 'utf8' });
  t.is(sourced.status, 0, sourced.stderr);
  t.is(sourced.stderr, '');
  t.is(sourced.stdout.trim(), '_overlab_yargs_completions');
  // What the zsh script runs: COMP_LINE in the environment, the line's words as arguments.
  const r = spawnSync('overlab', ['--get-yargs-completions', 'overlab', 'sc'], { env: { ...shellEnv, SHELL: '/bin/bash', COMP_CWORD: '1', COMP_LINE: 'overlab sc', COMP_POINT: '10' }, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /^scenario:boot the testbed/m, 'zsh gets name:description even when $SHELL says bash');
}, { serial: true });

test.serial('list and plan --output json: one JSON document on stdout, valid against its schema', async (t) => {
  const list = await cli(['list', '--output', 'json'], { env: state.env });
  t.is(list.code, 0, list.stderr);
  const doc = JSON.parse(list.stdout) as { scenarios: { name: string; valid: boolean; group: string }[]; runs: unknown[] };
  t.true(ajv.validate(ListOutputSchema, doc), ajv.errorsText());
  t.truthy(doc.scenarios.find((s) => s.name === 'failover' && s.valid && s.group === 'reference'));
  // Runs of the other tests of this file may be listed meanwhile: each is described alike (the schema).
  const plan = await cli(['plan', 'failover', '--output', 'json'], { env: state.env });
  t.is(plan.code, 0, plan.stderr);
  const p = JSON.parse(plan.stdout) as { counts: { nodes: number }; nodes: { name: string; vtepMac: string }[]; steps: { argv: string[][] }[] };
  t.true(ajv.validate(PlanOutputSchema, p), ajv.errorsText());
  t.is(p.counts.nodes, 2);
  t.deepEqual(p.nodes.map((n) => [n.name, n.vtepMac]), [['master', '0e:0f:0a:a9:48:7f'], ['worker', '0e:0f:0a:a9:48:80']]);
  t.true(p.steps.some((s) => s.argv.some((a) => a.join(' ').includes('type vxlan id 0'))), 'the argv of the steps, as plan prints them');
  // The schema is not a formality: a document without its counts is refused.
  t.false(ajv.validate(PlanOutputSchema, { ...p, counts: undefined }));
});

/** A run directory as the harness leaves one, last changed `ageDays` ago. */
function fakeRun(reports: string, scenario: string, runId: string, ageDays: number, options: { tornDown?: boolean; bundle?: boolean } = {}): string {
  const dir = join(reports, scenario, runId);
  mkdirSync(join(dir, 'evidence'), { recursive: true });
  writeFileSync(join(dir, 'report.json'), '{}\n');
  writeFileSync(join(dir, 'ledger.jsonl'), `{"kind":"namespace","name":"ol-${runId}"}\n${options.tornDown === false ? '' : '{"kind":"torn-down"}\n'}`);
  const when = new Date(Date.now() - ageDays * 86_400_000);
  for (const p of [join(dir, 'evidence'), join(dir, 'report.json'), join(dir, 'ledger.jsonl'), dir]) utimesSync(p, when, when);
  if (options.bundle) {
    writeFileSync(`${dir}.tar.gz`, 'x');
    utimesSync(`${dir}.tar.gz`, when, when);
  }
  return dir;
}

test.serial('clean --reports --older-than 7d removes old run directories and their bundles, never a fresh, kept, running or not torn-down one', async (t) => {
  const reports = join(state.root, 'prune-reports');
  const old = fakeRun(reports, 'failover', 'a00001', 10, { bundle: true });
  const oldOther = fakeRun(reports, 'baseline', 'a00002', 8);
  const fresh = fakeRun(reports, 'failover', 'a00003', 2);
  const kept = fakeRun(reports, 'failover', 'a00004', 30);
  const notTornDown = fakeRun(reports, 'failover', 'a00005', 30, { tornDown: false });
  const matrix = join(reports, 'failover-matrix', '2026-11-01T00-00-00-000Z');
  mkdirSync(matrix, { recursive: true });
  writeFileSync(join(matrix, 'summary.json'), '{}');
  const longAgo = new Date(Date.now() - 20 * 86_400_000);
  utimesSync(join(matrix, 'summary.json'), longAgo, longAgo);
  utimesSync(matrix, longAgo, longAgo);
  const stray = join(reports, 'notes.txt');
  writeFileSync(stray, 'not ours');
  // A kept run (overlab up) in this file's registry.
  mkdirSync(state.stateDir, { recursive: true });
  writeFileSync(join(state.stateDir, 'a00004.json'), JSON.stringify({ runId: 'a00004', scenario: 'failover', provider: 'netns', runDir: kept, pid: 999999, kept: true, startedAt: longAgo.toISOString(), hosts: {} }));
  t.teardown(() => spawnSync('rm', ['-f', join(state.stateDir, 'a00004.json')]));

  const r = await cli(['clean', '--reports', '--older-than', '7d', '--report-dir', reports], { env: state.env });
  t.is(r.code, 0, r.stdout + r.stderr);
  for (const gone of [old, `${old}.tar.gz`, oldOther, matrix]) t.false(existsSync(gone), `${gone} removed`);
  for (const stays of [fresh, kept, notTornDown, stray]) t.true(existsSync(stays), `${stays} left`);
  t.regex(r.stdout, new RegExp(`^removed ${old} \\(10\\.0 d old\\)$`, 'm'));
  t.regex(r.stdout, new RegExp(`^removed ${old}\\.tar\\.gz `, 'm'));
  t.regex(r.stdout, new RegExp(`^kept ${kept}: run a00004 is up \\(kept\\): overlab down a00004 first$`, 'm'));
  t.regex(r.stdout, new RegExp(`^kept ${notTornDown}: its teardown never finished`, 'm'));
  t.regex(r.stdout, /clean --reports: 4 removed, 2 old one\(s\) kept/);
  t.notRegex(r.stdout, new RegExp(fresh), 'a fresh run is not even mentioned');

  // Again: nothing old left to remove.
  const again = await cli(['clean', '--reports', '--older-than', '7d', '--report-dir', reports], { env: state.env });
  t.regex(again.stdout, /clean --reports: 0 removed/);
  // Bad input: exit 2 and nothing removed.
  for (const args of [['clean', '--older-than', '7d'], ['clean', '--reports'], ['clean', '--reports', '--older-than', '7 days'], ['clean', '--reports', '--older-than', '1d', '--force']]) {
    const bad = await cli([...args, '--report-dir', reports], { env: state.env });
    t.is(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    t.regex(bad.stderr, /overlab: .*(--reports|--older-than)/);
  }
  t.true(existsSync(fresh));
});

test.serial('scenario --junit-file to a place that cannot be written stops before anything is made (exit 2)', async (t) => {
  const reports = join(state.root, 'never');
  const r = await cli(['scenario', 'baseline', '--junit-file', '/proc/overlab/junit.xml', '--report-dir', reports], { env: state.env });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /--junit-file \/proc\/overlab\/junit\.xml: cannot write it/);
  t.false(existsSync(reports), 'no run directory');
});

rootTest('a not-reproducible reproduction with --output json, --junit-file and --report-dir: JSON on stdout alone, <skipped> in a valid JUnit', async (t) => {
  const reports = join(state.root, 'ci-reports');
  const junit = join(state.root, 'ci', 'out', 'junit.xml');
  const started = performance.now();
  // baseline declared as a reproduction this provider cannot show: the status and the JUnit do
  // not hang on a failover's timing (the library's failover-nolearning does the same with one).
  const file = join(state.root, 'unshowable.yaml');
  const base = readFileSync(join(PROJECT_ROOT, 'scenarios', 'baseline.yaml'), 'utf8').replace(/^name: baseline$/m, 'name: unshowable').replace(/^group: baseline$/m, 'group: reproduction');
  writeFileSync(file, `${base.trimEnd()}\nreproduces:\n  symptom: pods of one node cannot reach another's\n  rootCause: none here\n  fix: none\n  shows: not-on-this-provider\n  expectFailed: []\n  notReproducible: the netns provider has no such fault\n`);
  const r = await cli(['scenario', file, '--output', 'json', '--junit-file', junit, '--report-dir', reports], { env: { ...state.env, CI: 'true' }, timeoutMs: 120_000 });
  t.log(`unshowable: ${((performance.now() - started) / 1000).toFixed(1)} s wall`);
  const doc = JSON.parse(r.stdout) as { kind: string; status: string; exitCode: number; runId: string; runDir: string; report: string; counts: { assertions: number; failed: number }; reproduction?: { verdict: string } };
  runs.push(doc.runId);
  t.is(r.code, 0, r.stderr);
  t.true(ajv.validate(ScenarioOutputSchema, doc), ajv.errorsText());
  t.is(doc.kind, 'run');
  t.is(doc.status, 'not-reproducible');
  t.is(doc.exitCode, 0);
  t.is(doc.runDir, join(reports, 'unshowable', doc.runId), 'the run went to --report-dir');
  t.true(existsSync(doc.report));
  t.is(doc.counts.failed, 0);
  t.regex(doc.reproduction!.verdict, /^not reproducible on this provider/);
  // The human lines went to stderr: phases, verdicts, the summary.
  t.regex(r.stderr, /^ {2}ok {2}phase boot/m);
  t.regex(r.stderr, /unshowable NOT-REPRODUCIBLE: /);
  t.regex(r.stderr, new RegExp(`junit: ${junit} \\(1 testsuite\\)`));
  // The JUnit where CI wants it: valid, the verdict skipped with the reason, nothing failed.
  const v = spawnSync('xmllint', ['--noout', '--schema', XSD, junit], { encoding: 'utf8' });
  if (v.error && !inCi) t.log('xmllint missing: schema check not run (apt-get install libxml2-utils)');
  else t.is(v.status, 0, v.stderr);
  const xml = readFileSync(junit, 'utf8');
  t.regex(xml, /<testsuite name="unshowable" [^>]*failures="0" errors="0" skipped="1"/);
  t.regex(xml, /<testcase name="reproduction: pods of one node[^"]*"[^>]*>\n {6}<skipped message="not reproducible on this provider: the netns provider has no such fault"/);
  // Testcases carry their assertions' own times, not all zero.
  const times = [...xml.matchAll(/<testcase [^>]*time="([\d.]+)"/g)].map((m) => Number(m[1]));
  t.true(times.filter((x) => x > 0).length >= 2, `testcase times: ${times.join(' ')}`);
  t.deepEqual(runNamespaces(doc.runId), [], 'nothing of the run left');
  t.deepEqual(readdirSync(reports), ['unshowable']);
  // overlab report finds the run by its scenario's name under --report-dir, and its --junit-file says the same.
  const again = join(state.root, 'ci', 'again.xml');
  const rr = await cli(['report', 'unshowable', '--report-dir', reports, '--junit-file', again], { env: state.env });
  t.is(rr.code, 0, rr.stderr);
  t.regex(rr.stdout, new RegExp(`^unshowable ${doc.runId} \\(not-reproducible\\):`, 'm'));
  t.regex(readFileSync(again, 'utf8'), /<skipped message="not reproducible on this provider: the netns provider has no such fault"/);
  const elsewhere = await cli(['report', 'unshowable', '--report-dir', join(state.root, 'empty')], { env: state.env });
  t.is(elsewhere.code, 2, 'another reports directory does not hold it');
  t.regex(elsewhere.stderr, /no run "unshowable"/);
}, { serial: true });

rootTest('a reproduction\'s streamed lines agree with the table: declared failures are XFAIL, never a bare FAIL', async (t) => {
  const r = await cli(['scenario', 'floating-local'], { env: { ...state.env, CI: 'true' }, timeoutMs: 120_000 });
  const id = /run ([0-9a-f]{6})\b/.exec(r.stdout)?.[1];
  if (id) runs.push(id);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /floating-local REPRODUCED/);
  const streamed = r.stdout.split('\n').filter((l) => /^(PASS|FAIL|XFAIL) /.test(l));
  t.true(streamed.some((l) => l.startsWith('XFAIL failover: ') && l.includes('(expected failure: part of the symptom this scenario reproduces: ')), streamed.join('\n'));
  t.deepEqual(streamed.filter((l) => l.startsWith('FAIL ')), [], 'no bare FAIL in a run that reproduced as declared');
  // The table's RESULT for each streamed verdict is the same word.
  for (const l of streamed) {
    const [word, idWithColon] = l.split(' ');
    const aid = idWithColon!.slice(0, -1);
    if (aid.length <= 44 && word !== 'PASS') t.regex(r.stdout, new RegExp(`^${word} +${aid.replace(/[[\]().*@]/g, '\\$&')} `, 'm'));
  }
}, { serial: true });

rootTest('exec takes every word after the host as the command, with or without --, and passes its exit code', async (t) => {
  const up = await cli(['up', 'baseline', '--agent', 'emulated'], { env: state.env, timeoutMs: 120_000 });
  const id = /run ([0-9a-f]{6}) is up/.exec(up.stdout)?.[1];
  t.truthy(id, up.stdout + up.stderr);
  runs.push(id!);
  try {
    const plain = await cli(['exec', id!, 'master', 'ip', '-br', 'addr', 'show', 'dev', 'eth0'], { env: state.env });
    t.is(plain.code, 0, plain.stderr);
    t.regex(plain.stdout, /^eth0@\S+ +UP +172\.16\.1\.100\/24/m);
    const dashed = await cli(['exec', id!, 'master', '--', 'ip', '-j', 'link', 'show', 'dev', 'eth0'], { env: state.env });
    t.is(dashed.code, 0, dashed.stderr);
    t.is((JSON.parse(dashed.stdout) as { ifname: string; address: string }[])[0]!.address, '0e:01:ac:10:01:64');
    const code = await cli(['exec', id!, 'master', 'sh', '-c', 'exit 3'], { env: state.env });
    t.is(code.code, 3);
  } finally {
    const down = await cli(['down', id!], { env: state.env });
    t.is(down.code, 0, down.stderr);
  }
  t.deepEqual(runNamespaces(id!), []);
}, { serial: true });

rootTest('a matrix with --output json and --junit-file: kind runs, a run per combination, one JUnit with a testsuite each', async (t) => {
  const junit = join(state.root, 'matrix-out', 'junit.xml');
  const reports = join(state.root, 'matrix-reports');
  const r = await cli(['scenario', 'baseline', '--matrix', 'nodes=2,3', '--output', 'json', '--junit-file', junit, '--report-dir', reports], { env: { ...state.env, CI: 'true' }, timeoutMs: 180_000 });
  const doc = JSON.parse(r.stdout) as { kind: string; exitCode: number; counts: Record<string, number>; junit: string; dir: string; runs: { label: string; status: string; runId: string; runDir: string }[] };
  for (const run of doc.runs) runs.push(run.runId);
  t.is(r.code, 0, r.stderr);
  t.true(ajv.validate(ScenarioOutputSchema, doc), ajv.errorsText());
  t.is(doc.kind, 'runs');
  t.deepEqual(doc.counts, { passed: 2 });
  t.deepEqual(doc.runs.map((x) => x.label), ['nodes=2', 'nodes=3']);
  t.is(doc.junit, junit);
  t.true(doc.dir.startsWith(join(reports, 'baseline-matrix')), doc.dir);
  for (const run of doc.runs) t.true(run.runDir.startsWith(reports), run.runDir);
  t.is(readFileSync(junit, 'utf8').match(/<testsuite /g)?.length, 2);
  t.regex(r.stderr, /baseline: 2 combinations on netns/, 'the table went to stderr');
}, { serial: true });
