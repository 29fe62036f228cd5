// Input that must not hurt (issue 16): each is exit 2 within 10 s with a message that names the
// problem and the fix, and no run directory is made (nothing is created before it). (Peak memory was measured by
// hand with /usr/bin/time: ~95 MB for the alias bomb, the largest.)
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, isolateState } from './_env.js';

const state = isolateState('hostile-input');

function aliasBomb(): string {
  let s = 'name: bomb\na: &a [x, x, x, x, x, x, x, x, x, x]\n';
  let prev = 'a';
  for (let i = 1; i < 9; i++) {
    s += `l${i}: &l${i} [${Array(10).fill(`*${prev}`).join(', ')}]\n`;
    prev = `l${i}`;
  }
  return s;
}

const cases: { what: string; setup: () => string[]; env?: NodeJS.ProcessEnv; message: RegExp }[] = [
  { what: 'a FIFO as the scenario path', setup: () => (execFileSync('mkfifo', [join(state.root, 'fifo.yaml')]), ['scenario', join(state.root, 'fifo.yaml')]), message: /not a regular file \(a FIFO\); give the path of a \.yaml file/ },
  { what: '/dev/zero as the scenario path', setup: () => ['plan', '/dev/zero'], message: /not a regular file \(a character device\)/ },
  { what: 'a 50 MB scenario', setup: () => (writeFileSync(join(state.root, 'big.yaml'), Buffer.alloc(50 << 20, 0x61)), ['scenario', join(state.root, 'big.yaml')]), message: /is 52428800 bytes; at most 1048576 are read/ },
  { what: 'a YAML alias bomb', setup: () => (writeFileSync(join(state.root, 'bomb.yaml'), aliasBomb()), ['scenario', join(state.root, 'bomb.yaml')]), message: /not a usable YAML document: Excessive alias count/ },
  {
    what: 'a reports directory that is a file',
    setup: () => (writeFileSync(join(state.root, 'not-a-dir'), ''), ['scenario', 'baseline', '--agent', 'emulated']),
    env: { ...state.env, OVERLAB_REPORTS_DIR: join(state.root, 'not-a-dir') },
    message: /cannot make the run directory .* \(ENOTDIR\): the reports directory .* must be a directory this user can write; set OVERLAB_REPORTS_DIR/,
  },
];

for (const c of cases) {
  test.serial(`${c.what}: exit 2, the problem and the fix, within 10 s, nothing made`, (t) => {
    const args = c.setup();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { env: c.env ?? state.env, encoding: 'utf8', timeout: 15_000 });
    const ms = performance.now() - t0;
    t.is(r.status, 2, `${r.signal ?? ''} ${r.stdout}${r.stderr}`);
    t.true(ms < 10_000, `${Math.round(ms)} ms`);
    t.regex(r.stderr, c.message);
    t.notRegex(r.stderr, /unexpected error/);
    t.false(existsSync(state.reportsDir) && readdirSync(state.reportsDir).length > 0, 'no run directory');
  });
}
