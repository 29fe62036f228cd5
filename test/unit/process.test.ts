// core/process.ts, the one module that starts local processes: how a start failure, an exit and
// a stop are reported, output to a file descriptor, and the CommandError wording.
import test from 'ava';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../../harness/core/errors.js';
import { describeArgv, exitError, runOnTerminal, runProcess, startError, startProcess, unreapedChildren, waitReaped } from '../../harness/core/process.js';

test('startProcess: a program that cannot start resolves exited and closed with the error; stop does nothing', async (t) => {
  const p = startProcess(['overlab-no-such-tool']);
  t.is(p.pid, undefined);
  const exit = await p.exited;
  t.is((exit.error as NodeJS.ErrnoException).code, 'ENOENT');
  t.is((await p.closed).error, exit.error);
  t.is(await p.stop(), exit);
  t.throws(() => startProcess([]), { instanceOf: CommandError, message: 'empty argv' });
});

test('startProcess: closed comes once the output is read, lines reach the listeners', async (t) => {
  const p = startProcess(['sh', '-c', 'echo a; echo b >&2; echo c']);
  const out: string[] = [];
  const err: string[] = [];
  p.onLine((l) => out.push(l));
  p.onStderrLine((l) => err.push(l));
  t.deepEqual(await p.closed, { code: 0, signal: null });
  t.deepEqual(out, ['a', 'c']);
  t.deepEqual(err, ['b']);
});

test('startProcess: stdout to a file descriptor', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-process-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fd = openSync(join(dir, 'out'), 'w');
  try {
    await startProcess(['echo', 'to the file'], { stdout: fd }).closed;
  } finally {
    closeSync(fd);
  }
  t.is(readFileSync(join(dir, 'out'), 'utf8'), 'to the file\n');
});

test('startProcess: stop with the default SIGTERM; detached processes are their own group leader', async (t) => {
  const p = startProcess(['sh', '-c', 'echo $$ $(ps -o pgid= -p $$); exec sleep 30'], { detached: true });
  const line = await new Promise<string>((resolve) => p.onLine(resolve));
  const [pid, pgid] = line.trim().split(/\s+/).map(Number);
  t.is(pid, p.pid);
  t.is(pgid, p.pid);
  t.deepEqual(await p.stop(), { code: null, signal: 'SIGTERM' });
});

test('exitError and startError: argv, node, how it ended, the last stderr lines', (t) => {
  const argv = ['ip', '-n', 'ol-x', 'link', 'add', 'a b'];
  t.is(describeArgv(argv), 'ip -n ol-x link add "a b"');
  const e = exitError(argv, { code: 2, signal: null }, 'RTNETLINK answers: File exists\n', { node: 'master' });
  t.is(e.message, '[master] ip -n ol-x link add "a b" exited 2: RTNETLINK answers: File exists');
  t.deepEqual(e.context, { argv, node: 'master', exitCode: 2, stderrTail: 'RTNETLINK answers: File exists' });
  t.is(exitError(argv, { code: null, signal: 'SIGKILL' }, '').message, 'ip -n ol-x link add "a b" was killed by SIGKILL: (no stderr)');
  const cause = new Error('spawn ip EACCES');
  const s = exitError(argv, { code: null, signal: null, error: cause }, '');
  t.is(s.message, 'cannot run ip -n ol-x link add "a b": spawn ip EACCES');
  t.is(s.cause, cause);
  t.is(startError(argv, cause, 'worker').context.node, 'worker');
});

test('runProcess: what LocalRunner runs, an empty argv rejects', async (t) => {
  t.is((await runProcess(['cat'], { stdin: 'x' })).stdout, 'x');
  await t.throwsAsync(runProcess([]), { instanceOf: CommandError, message: 'empty argv' });
});

test("startProcess: stdout 'pipe' is the raw stream for the caller (a tar to hand on), not split into lines", async (t) => {
  const p = startProcess(['printf', 'a\\nb'], { stdout: 'pipe', stderr: 'ignore' });
  const lines: string[] = [];
  p.onLine((l) => lines.push(l));
  const chunks: Buffer[] = [];
  for await (const chunk of p.child.stdout!) chunks.push(chunk as Buffer);
  t.is(Buffer.concat(chunks).toString(), 'a\nb');
  t.deepEqual(await p.closed, { code: 0, signal: null });
  t.deepEqual(lines, []);
});

test('runOnTerminal: the exit code, or why it could not start', (t) => {
  t.deepEqual(runOnTerminal(['sh', '-c', 'exit 3']), { code: 3, signal: null });
  t.is((runOnTerminal(['overlab-no-such-tool']).error as NodeJS.ErrnoException).code, 'ENOENT');
  t.throws(() => runOnTerminal([]), { message: 'empty argv' });
});

test('runProcess: a command that leaves a process holding its output returns once it exits; the children are reaped', async (t) => {
  const started = Date.now();
  // The background sleep keeps stdout and stderr open: waiting for them to close would take 30 s.
  const r = await runProcess(['sh', '-c', 'echo started; sleep 30 & echo $! >&2; exit 3'], { allowFailure: true });
  t.true(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  t.is(r.exitCode, 3);
  t.is(r.stdout, 'started\n');
  const sleeper = Number(r.stderr.trim());
  t.true(sleeper > 1);
  process.kill(sleeper, 'SIGKILL');
  // The sh was reaped by Node (no longer tracked); the sleep was not ours to wait for.
  t.deepEqual(await waitReaped(unreapedChildren(), 1000), []);
});
