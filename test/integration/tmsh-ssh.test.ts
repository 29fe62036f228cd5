// The failover scenario with bigip.device: tmsh: stand-in units with a real sshd each, reached
// only over SSH (through a forwarder inside the unit), configured, read and failed over with
// tmsh by the project's face. It must give the same results as the direct stand-in, leave no
// key material in the run directory and nothing behind.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, isolateState, missingPrerequisites, prereqTest, runNamespaces } from './_env.js';
import { sshdMissing } from './_sshd.js';

const state = isolateState('tmsh-ssh');
const missing = [...(missingPrerequisites() ? [missingPrerequisites()!.replace(/^needs /, '')] : []), ...sshdMissing()];

type Report = { status: string; runId: string; runDir: string; assertions: { name: string; status: string }[] };
const reportOf = (stdout: string) => JSON.parse(readFileSync(/report: (\S+)/.exec(stdout)![1]!, 'utf8')) as Report;
const summary = (r: Report) => r.assertions.map((a) => `${a.name} ${a.status}`).sort();
const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));

prereqTest('failover with bigip.device tmsh over real SSH gives the direct stand-in\'s results', missing, async (t) => {
  const scenario = join(state.root, 'failover-tmsh.yaml');
  const text = readFileSync(join(process.cwd(), 'scenarios', 'failover.yaml'), 'utf8');
  writeFileSync(scenario, text.replace(/^name: failover$/m, 'name: failover-tmsh').replace(/^bigip:$/m, 'bigip:\n  device: tmsh'));
  const tmsh = await cli(['scenario', scenario], { env: state.env, timeoutMs: 180_000 });
  t.is(tmsh.code, 0, tmsh.stdout + tmsh.stderr);
  const direct = await cli(['scenario', 'failover'], { env: state.env, timeoutMs: 120_000 });
  t.is(direct.code, 0, direct.stdout + direct.stderr);
  const a = reportOf(tmsh.stdout);
  const b = reportOf(direct.stdout);
  t.is(a.status, 'passed');
  t.deepEqual(summary(a), summary(b));
  // The units were read with tmsh (the run's objects in what they printed), and the teardown
  // transaction removed every object the run had made on them.
  t.regex(readFileSync(join(a.runDir, 'evidence', 'tmsh-before.txt'), 'utf8'), new RegExp(`ol_${a.runId}_flannel_vxlan`));
  for (const unit of ['bigip1', 'bigip2']) {
    t.true(existsSync(join(a.runDir, 'units', unit, 'sshd.log')));
    t.deepEqual((JSON.parse(readFileSync(join(a.runDir, 'units', unit, 'state', 'config.json'), 'utf8')) as { objects: unknown[] }).objects, []);
  }
  for (const f of filesUnder(a.runDir)) t.false(readFileSync(f).toString('latin1').includes('PRIVATE KEY'), `${f} holds a private key`);
  t.false(existsSync(`/run/overlab/ssh-${a.runId}`), 'the run\'s keys are removed');
  t.deepEqual(runNamespaces(a.runId), []);
});

prereqTest('a BIG-IP inventory is refused (exit 2, nothing made) for a sim scenario or a unit the scenario does not have', missing, async (t) => {
  const inv = join(state.root, 've.yaml');
  writeFileSync(inv, 'hosts:\n  bigip1: { address: 192.0.2.1, key: /nonexistent }\n  bigip9: { address: 192.0.2.9, key: /nonexistent }\n');
  const r = await cli(['scenario', 'failover', '--bigip-inventory', inv], { env: state.env });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /ve\.yaml: hosts: real BIG-IP units are driven with tmsh: the scenario must say bigip\.device: tmsh/);
  t.regex(r.stderr, /hosts\.bigip9 is not a unit of the scenario \(units: bigip1, bigip2\)/);
});
