// How commands and long-running processes are started and how their failures read: LocalRunner
// (every short command of the netns provider) and spawnManaged (pod servers, captures, probes).
// Local processes only (sh, cat), no root.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRunner } from '../../harness/core/command.js';
import { CommandError } from '../../harness/core/errors.js';
import { ResourceLedger } from '../../harness/core/ledger.js';
import { spawnManaged } from '../../harness/providers/netns/spawn.js';

const runner = new LocalRunner();

test('LocalRunner: stdout, stderr, stdin and the exit code', async (t) => {
  const r = await runner.run(['sh', '-c', 'cat; echo err >&2'], { stdin: 'in\n' });
  t.is(r.exitCode, 0);
  t.is(r.stdout, 'in\n');
  t.is(r.stderr, 'err\n');
  t.deepEqual(r.argv, ['sh', '-c', 'cat; echo err >&2']);
  t.true(r.durationMs >= 0);
});

test('LocalRunner: a non-zero exit is a CommandError with the node, argv, exit code and stderr tail', async (t) => {
  const err = await t.throwsAsync(runner.run(['sh', '-c', 'for i in 1 2 3 4 5 6; do echo line$i >&2; done; exit 3'], { node: 'master' }), { instanceOf: CommandError });
  t.is(err!.message, '[master] sh -c "for i in 1 2 3 4 5 6; do echo line$i >&2; done; exit 3" exited 3: line3\nline4\nline5\nline6');
  t.is(err!.context.exitCode, 3);
  t.is(err!.context.node, 'master');
  t.is(err!.context.stderrTail, 'line1\nline2\nline3\nline4\nline5\nline6');
  t.deepEqual(err!.context.argv, ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo line$i >&2; done; exit 3']);
});

test('LocalRunner: allowFailure returns the result instead', async (t) => {
  const r = await runner.run(['sh', '-c', 'echo no >&2; exit 1'], { allowFailure: true });
  t.is(r.exitCode, 1);
  t.is(r.stderr, 'no\n');
});

test('LocalRunner: a timeout kills with SIGKILL and says so', async (t) => {
  const err = await t.throwsAsync(runner.run(['sleep', '5'], { timeoutMs: 50 }), { instanceOf: CommandError });
  t.is(err!.message, 'sleep 5 was killed by SIGKILL (timeout 50 ms): (no stderr)');
  t.is(err!.context.exitCode, null);
});

test('LocalRunner: a program that does not exist says it cannot run, with the cause', async (t) => {
  const err = await t.throwsAsync(runner.run(['overlab-no-such-tool', 'x']), { instanceOf: CommandError });
  t.regex(err!.message, /^cannot run overlab-no-such-tool x: spawn overlab-no-such-tool ENOENT$/);
  t.is((err!.cause as NodeJS.ErrnoException).code, 'ENOENT');
  await t.throwsAsync(async () => runner.run([]), { instanceOf: CommandError, message: 'empty argv' });
});

test('LocalRunner: system tools are found without node_modules/.bin on PATH', async (t) => {
  const r = await runner.run(['sh', '-c', 'echo "$PATH"']);
  t.false(r.stdout.includes('node_modules'));
  t.regex(r.stdout, /\/usr\/sbin/);
});

const withLedger = (t: { teardown(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-spawn-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return new ResourceLedger(dir);
};

test('spawnManaged: recorded in the ledger with its pid, stdout and stderr lines, the exit code', async (t) => {
  const ledger = withLedger(t);
  const p = spawnManaged('master', ['sh', '-c', 'echo one; echo two >&2; printf three'], ledger, { captureStdout: true, captureStderr: true });
  const out: string[] = [];
  const err: string[] = [];
  p.onLine((l) => out.push(l));
  p.onStderrLine((l) => err.push(l));
  t.deepEqual(ledger.entries().map((e) => ({ ...e, at: undefined })), [{ kind: 'process', host: 'master', pid: p.pid, argv: ['sh', '-c', 'echo one; echo two >&2; printf three'], at: undefined }]);
  t.is(await p.exited, 0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.deepEqual(out, ['one', 'three']);
  t.deepEqual(err, ['two']);
  t.is(p.host, 'master');
});

test('spawnManaged: stop sends the signal, and SIGKILL after the timeout', async (t) => {
  const ledger = withLedger(t);
  const polite = spawnManaged('h', ['sleep', '30'], ledger);
  t.is(await polite.stop(), 'SIGTERM');
  const stubborn = spawnManaged('h', ['sh', '-c', "trap '' TERM; echo ready; while :; do sleep 0.05; done"], ledger, { captureStdout: true });
  await new Promise<void>((resolve) => stubborn.onLine(() => resolve()));
  const started = performance.now();
  t.is(await stubborn.stop('SIGTERM', 100), 'SIGKILL');
  t.true(performance.now() - started >= 90);
  t.is(await stubborn.stop(), 'SIGKILL', 'stopping a stopped process returns how it ended');
});

test('spawnManaged: the exit code; an empty argv is refused', async (t) => {
  const ledger = withLedger(t);
  t.is(await spawnManaged('h', ['sh', '-c', 'exit 4'], ledger).exited, 4);
  t.throws(() => spawnManaged('h', [], ledger), { instanceOf: CommandError, message: 'empty argv' });
});

test('spawnManaged: a program that cannot start throws and is not recorded (and its error event is handled)', async (t) => {
  const ledger = withLedger(t);
  t.throws(() => spawnManaged('h', ['overlab-no-such-tool', 'x'], ledger), { instanceOf: CommandError, message: 'cannot start overlab-no-such-tool x' });
  await new Promise((resolve) => setTimeout(resolve, 20)); // the child's 'error' event, had nobody listened, would crash this worker
  t.deepEqual(ledger.entries(), []);
});
