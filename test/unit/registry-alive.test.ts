// A run's owner is alive only if /proc says so: a zombie (which kill(pid, 0) still reaches) and
// a later process that got the same pid are not the owner.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { isAlive, procStat } from '../../harness/core/registry.js';

test('a zombie is not alive, a reused pid is not the owner, this process is', (t) => {
  const self = procStat(process.pid)!;
  t.true(isAlive(process.pid, self.startTicks));
  t.false(isAlive(process.pid, String(Number(self.startTicks) + 1)), 'another start time: another process');
  const child = spawn('true');
  // Blocked here, nothing reaps the child: it ends as a zombie.
  spawnSync('sleep', ['0.3']);
  t.is(procStat(child.pid!)?.state, 'Z');
  t.false(isAlive(child.pid!));
  t.is(procStat(0), undefined);
  t.false(isAlive(2 ** 22 + 7), 'no such pid');
});
