// The SSH transport against a real OpenSSH server in a namespace: exec with argv quoted, stdin,
// exit codes, timeouts, long-running processes and their signals, SFTP, one reused connection,
// and each typed failure (unknown/changed host key, wrong password, wrong key, refused,
// unreachable, a command that hangs) within its timeout, naming the host.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPrerequisites, prereqTest } from './_env.js';
import { deleteNamespace, keyPair, makeNamespace, sshdMissing, startSshd, type Sshd } from './_sshd.js';
import { SshPool } from '../../harness/ssh/pool.js';
import { SshAuthError, SshHostKeyError, SshRefusedError, SshTimeoutError, SshUnreachableError } from '../../harness/ssh/errors.js';
import type { SshTarget } from '../../harness/ssh/target.js';
import { killIfSame } from '../../harness/ssh/session.js';
import { fetchFile, writeRemote } from '../../harness/ssh/files.js';

const missing = [...(missingPrerequisites() ? [missingPrerequisites()!.replace(/^needs /, '')] : []), ...sshdMissing()];
const NS = `oltest-ssh-${process.pid}`;
const ADDRESS = '10.3.72.10';
let sshd: Sshd | undefined;
let dir = '';

const target = (over: Partial<SshTarget> = {}): SshTarget => ({
  name: 'node1',
  address: ADDRESS,
  port: 22,
  user: 'root',
  privateKey: sshd!.clientKey,
  proxyCommand: sshd!.proxy(),
  knownHosts: join(dir, 'known_hosts'),
  acceptNew: false,
  connectTimeoutMs: 3000,
  sudo: false,
  ...over,
});

test.before(async () => {
  if (missing.length) return;
  dir = mkdtempSync(join(tmpdir(), 'overlab-ssh-test-'));
  makeNamespace(NS, ADDRESS);
  sshd = await startSshd({ ns: NS, address: ADDRESS });
  writeFileSync(join(dir, 'known_hosts'), sshd.hostKeyLine(ADDRESS) + '\n');
});

test.after.always(async () => {
  await sshd?.stop();
  deleteNamespace(NS);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const within = async <T>(ms: number, p: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> => {
  const t0 = performance.now();
  try {
    const value = await p;
    return { value, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  } finally {
    void ms;
  }
};

prereqTest('exec sends every argv word intact, with stdin and exit codes', missing, async (t) => {
  const pool = new SshPool([target()]);
  try {
    const tricky = `it's "$HOME" \`id\` $(id); rm -rf /nonexistent & * ? \\ \n end`;
    const r = await pool.exec('node1', ['printf', '%s', tricky]);
    t.is(r.stdout, tricky);
    t.is((await pool.exec('node1', ['printf', '%s', ''])).stdout, '');
    t.is((await pool.exec('node1', ['cat'], { stdin: 'line one\nline two\n' })).stdout, 'line one\nline two\n');
    t.is((await pool.exec('node1', ['sh', '-c', 'exit 7'], { allowFailure: true })).exitCode, 7);
    const e = await t.throwsAsync(pool.exec('node1', ['ls', '/nonexistent-overlab']));
    t.regex(e!.message, /\[node1\] ls \/nonexistent-overlab exited 2/);
    // The session runs in the sshd's namespace: the host it reached is the one we meant.
    t.regex((await pool.exec('node1', ['ip', '-br', 'addr', 'show', 'mgmt0'])).stdout, new RegExp(ADDRESS));
  } finally {
    await pool.close();
  }
}, { serial: true });

prereqTest('commands share one connection, at most 6 channels at once', missing, async (t) => {
  const pool = new SshPool([target()]);
  try {
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => pool.exec('node1', ['sh', '-c', `sleep 0.05; echo ${i}`])));
    t.deepEqual(results.map((r) => Number(r.stdout.trim())), Array.from({ length: 24 }, (_, i) => i));
    const ss = execFileSync('ip', ['netns', 'exec', NS, 'ss', '-Htn', 'state', 'established', `( sport = :22 )`]).toString().trim().split('\n').filter(Boolean);
    t.is(ss.length, 1, `one TCP connection to sshd, saw:\n${ss.join('\n')}`);
  } finally {
    await pool.close();
  }
}, { serial: true });

prereqTest('a command that hangs ends at its timeout, on both sides', missing, async (t) => {
  const pool = new SshPool([target()]);
  try {
    const r = await within(0, pool.exec('node1', ['sleep', '31.7'], { timeoutMs: 700 }));
    t.true(r.error instanceof SshTimeoutError, String(r.error));
    t.true(r.ms < 2000, `${r.ms} ms`);
    t.regex((r.error as Error).message, /node1 \(root@10\.3\.72\.10:22\).*sleep 31\.7 did not finish within 700 ms/);
    // The remote side keeps the same deadline (rounded up to a second): the sleep is gone too.
    await new Promise((res) => setTimeout(res, 1000));
    const left = execFileSync('pgrep', ['-f', '^sleep 31.7$'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    t.is(left, '');
  } catch (e) {
    // pgrep exits 1 when nothing matches: that is the pass.
    if ((e as { status?: number }).status !== 1) throw e;
    t.pass();
  } finally {
    await pool.close();
  }
}, { serial: true });

prereqTest('a long-running process: its pid, its lines, a signal that only hits that process', missing, async (t) => {
  const pool = new SshPool([target()]);
  try {
    const lines: string[] = [];
    const p = await pool.spawn('node1', ['sh', '-c', 'trap "echo got-term; exit 3" TERM; echo started; while :; do sleep 0.05; done'], (l) => lines.push(l), () => undefined);
    t.true(existsSync(`/proc/${p.pid}`));
    // The pid line comes before the wrapper's exec: read the command line once the command spoke.
    while (!lines.includes('started')) await new Promise((r) => setTimeout(r, 20));
    t.regex(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8'), /^sh\0-c\0trap/);
    // A wrong start time: the pid is not ours any more, and it is left alone.
    await pool.exec('node1', killIfSame(p.pid, '1', 'TERM'));
    await new Promise((r) => setTimeout(r, 150));
    t.true(existsSync(`/proc/${p.pid}`));
    await pool.exec('node1', killIfSame(p.pid, p.startTicks, 'TERM'));
    t.is(await p.exited, 3);
    t.true(lines.includes('got-term'));
  } finally {
    await pool.close();
  }
}, { serial: true });

prereqTest('files go both ways over SFTP', missing, async (t) => {
  const pool = new SshPool([target()]);
  const remote = join(sshd!.dir, 'sftp-test.bin');
  try {
    const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    await pool.sftp('node1', (s) => writeRemote(s, remote, content));
    const local = join(dir, 'fetched.bin');
    await pool.sftp('node1', (s) => fetchFile(s, remote, local));
    t.true(readFileSync(local).equals(content));
  } finally {
    await pool.close();
  }
}, { serial: true });

prereqTest('host keys: unknown refused, accept-new records it, a changed key is refused even then', missing, async (t) => {
  const empty = join(dir, 'known_hosts.empty');
  rmSync(empty, { force: true });
  let pool = new SshPool([target({ knownHosts: empty })]);
  const unknown = await t.throwsAsync(pool.connect('node1'), { instanceOf: SshHostKeyError });
  t.regex(unknown!.message, /^ssh node1 \(root@10\.3\.72\.10:22\): host key not known: .* --ssh-accept-new/);
  await pool.close();

  pool = new SshPool([target({ knownHosts: empty, acceptNew: true })]);
  await pool.connect('node1');
  await pool.close();
  t.is(readFileSync(empty, 'utf8').trim(), sshd!.hostKeyLine(ADDRESS));

  const other = keyPair(dir, 'other_host_key');
  const pub = readFileSync(`${other}.pub`, 'utf8').trim().split(/\s+/);
  const changed = join(dir, 'known_hosts.changed');
  writeFileSync(changed, `${ADDRESS} ${pub[0]} ${pub[1]}\n`);
  pool = new SshPool([target({ knownHosts: changed, acceptNew: true })]);
  const mismatch = await t.throwsAsync(pool.connect('node1'), { instanceOf: SshHostKeyError });
  t.regex(mismatch!.message, /HOST KEY MISMATCH.*ssh-keygen -R/);
  t.is(readFileSync(changed, 'utf8').split('\n').filter(Boolean).length, 1, 'accept-new never adds a second key for a known host');
  await pool.close();
}, { serial: true });

prereqTest('a wrong password and a wrong key are auth failures naming the host', missing, async (t) => {
  process.env.OVERLAB_TEST_WRONG_PASSWORD = 'not-the-password';
  let pool = new SshPool([target({ privateKey: undefined, passwordEnv: 'OVERLAB_TEST_WRONG_PASSWORD', agent: '' })]);
  const pw = await within(0, pool.connect('node1'));
  t.true(pw.error instanceof SshAuthError, String(pw.error));
  t.regex((pw.error as Error).message, /node1 \(root@10\.3\.72\.10:22\): authentication failed \(tried password from \$OVERLAB_TEST_WRONG_PASSWORD\)/);
  t.notRegex((pw.error as Error).message, /not-the-password/);
  await pool.close();
  pool = new SshPool([target({ privateKey: keyPair(dir, 'stranger'), agent: '' })]);
  await t.throwsAsync(pool.connect('node1'), { instanceOf: SshAuthError, message: /authentication failed \(tried key .*stranger\)/ });
  await pool.close();
}, { serial: true });

prereqTest('refused and unreachable are told apart, each within the connect timeout', missing, async (t) => {
  let pool = new SshPool([target({ proxyCommand: sshd!.proxy(2222) })]);
  const refused = await within(0, pool.connect('node1'));
  t.true(refused.error instanceof SshRefusedError, String(refused.error));
  t.regex((refused.error as Error).message, /node1 .*Connection refused/i);
  await pool.close();
  // 10.3.72.99 is in the namespace's subnet: nobody has it, and nothing ever answers.
  pool = new SshPool([target({ proxyCommand: sshd!.proxy(22, '10.3.72.99'), connectTimeoutMs: 1200 })]);
  const silent = await within(0, pool.connect('node1'));
  t.true(silent.error instanceof SshUnreachableError, String(silent.error));
  t.true(silent.ms < 2500, `${silent.ms} ms`);
  t.regex((silent.error as Error).message, /node1 .*no SSH answer within 1200 ms/);
  await pool.close();
}, { serial: true });
