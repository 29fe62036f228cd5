// The `tmsh` launcher the harness puts on a stand-in unit's PATH, run for real by sh with a tiny
// program in place of node: it passes every argument through untouched (the -c argument is one
// word with spaces, braces and ";"), defaults the state directory it was given and lets the
// environment override it. And the HA daemons' messages: encoded, decoded, anything else refused.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACE_MAIN, launcherScript, writeLauncher } from '../../harness/devices/bigip/tmsh-face/launcher.js';
import { decode, encode } from '../../harness/devices/bigip/tmsh-face/ha-messages.js';

test('the launcher runs the face with the harness node, every argument as given', (t) => {
  t.is(launcherScript({ main: '/x/main.js', node: '/usr/bin/node' }), `#!/bin/sh\nexec /usr/bin/node /x/main.js "$@"\n`);
  t.regex(launcherScript({ main: '/x/main.js', stateDirBesideScript: '../state' }), /OVERLAB_TMSH_STATE_DIR="\$\(dirname "\$0"\)"\/\.\.\/state; export/);
  t.true(FACE_MAIN.endsWith('dist/harness/devices/bigip/tmsh-face/main.js'));
  const dir = mkdtempSync(join(tmpdir(), 'overlab-launcher-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fake = join(dir, "fake main's.sh");
  writeFileSync(fake, 'printf "%s\\n" "dir=$OVERLAB_TMSH_STATE_DIR" "$@"\n');
  const launcher = writeLauncher(join(dir, 'bin', 'tmsh'), { node: '/bin/sh', main: fake, stateDir: join(dir, "unit's dir") });
  t.is(statSync(launcher).mode & 0o777, 0o755);
  t.true(readFileSync(launcher, 'utf8').startsWith('#!/bin/sh\n'));
  const env = { ...process.env };
  delete env.OVERLAB_TMSH_STATE_DIR;
  const arg = "create cli transaction; modify net fdb tunnel t records add { 0a:58:0a:d9:00:01 { endpoint 10.169.72.127 } }; submit cli transaction";
  t.deepEqual(execFileSync(launcher, ['-q', '-c', arg], { encoding: 'utf8', env }).split('\n'), [`dir=${join(dir, "unit's dir")}`, '-q', '-c', arg, '']);
  t.is(execFileSync(launcher, [], { encoding: 'utf8', env: { ...env, OVERLAB_TMSH_STATE_DIR: '/elsewhere' } }), 'dir=/elsewhere\n');
});

test('HA messages: take, taken, refused; anything else is a reason', (t) => {
  const take = { v: 1, op: 'take', group: 'traffic-group-1', from: 'bigip1', id: 'x1' } as const;
  t.deepEqual(decode(encode(take)), take);
  t.deepEqual(decode(encode({ v: 1, op: 'refused', group: 'traffic-group-1', unit: 'bigip2', id: 'x1', message: 'no' })), { v: 1, op: 'refused', group: 'traffic-group-1', unit: 'bigip2', id: 'x1', message: 'no' });
  t.is(decode(Buffer.from('take traffic-group-1')), 'not JSON');
  t.is(decode(Buffer.from('{"v":2}')), 'not a version 1 message');
  t.is(decode(Buffer.from('{"v":1,"op":"take","group":"traffic-group-2","id":"a","from":"b"}')), 'group traffic-group-2 is not traffic-group-1');
  t.is(decode(Buffer.from('{"v":1,"op":"stop","group":"traffic-group-1","id":"a"}')), 'unknown op stop');
});
