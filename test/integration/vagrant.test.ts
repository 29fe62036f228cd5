// The vagrant provider end to end, through the CLI: real Vagrant (Debian's, docker provider), real
// sshd in each machine, real SSH from the harness. The failover scenario passes with the same
// assertions as on netns; after the run, and after a kill -9 in the middle of `vagrant up`
// followed by `overlab clean`, no container, network or Vagrant directory of the run is left
// (checked with the docker CLI and the file system, not through the harness).
//
// Needs root, a running Docker daemon and vagrant (scripts/setup.sh --docker installs both).
// Without them these tests are skipped, except under CI=true where they fail.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { cli, collect, flannelMissing, isolateState, missingPrerequisites, poll, prereqTest, spawnCli, toolsMissing } from './_env.js';
import { againstNetns, reportOf, type Report } from './_against-netns.js';

const state = isolateState('vagrant');
const runs: string[] = [];
test.after.always(() => {
  // Safety net for a failed test: what a run of this file left, by label.
  for (const runId of lacking.length ? [] : runs) {
    const l = left(runId);
    if (l.containers.length) execFileSync('docker', ['rm', '-f', ...l.containers], { stdio: 'ignore' });
    if (l.networks.length) execFileSync('docker', ['network', 'rm', ...l.networks], { stdio: 'ignore' });
  }
  state.remove();
});

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function missing(): string[] {
  const out = [...(missingPrerequisites() ? [missingPrerequisites()!.replace(/^needs /, '')] : []), ...toolsMissing(['vagrant', 'docker', 'ssh-keygen'])];
  if (out.length) return out;
  try {
    docker('info', '--format', '{{.ServerVersion}}');
  } catch {
    out.push('a running Docker daemon (bash scripts/setup.sh --docker)');
  }
  return out;
}
const lacking = missing();

const left = (runId: string) => ({
  containers: docker('ps', '-aq', '--filter', `label=overlab.run=${runId}`).split('\n').filter(Boolean),
  networks: docker('network', 'ls', '-q', '--filter', `label=overlab.run=${runId}`).split('\n').filter(Boolean),
  named: docker('network', 'ls', '--format', '{{.Name}}').split('\n').filter((n) => n.startsWith(`ol-${runId}.`)),
});


prereqTest('failover on the vagrant provider (docker): the assertions of netns, then nothing of the run is left', lacking, async (t) => {
  const { run: v, report: onVagrant } = await againstNetns(t, ['scenario', 'failover', '--agent', 'emulated'], 'vagrant', { env: state.env, timeoutMs: 300_000 });
  t.regex(v.stderr, /vagrant master: Machine booted and ready/);
  const runId = onVagrant.runDir.split('/').pop()!;
  runs.push(runId);
  t.deepEqual(left(runId), { containers: [], networks: [], named: [] });
  t.false(existsSync(join(onVagrant.runDir, 'vagrant')), 'the Vagrant directory is gone');
  // Kept as evidence: the Vagrantfile the machines were made from, and the timings.
  t.regex(readFileSync(join(onVagrant.runDir, 'Vagrantfile'), 'utf8'), /config\.vm\.define "master"/);
  const times = JSON.parse(readFileSync(join(onVagrant.runDir, 'vagrant-times.json'), 'utf8')) as { vagrantUpMs: number; destroyMs: number };
  t.true(times.vagrantUpMs > 0 && times.destroyMs > 0);
  t.log(`vagrant up ${Math.round(times.vagrantUpMs)} ms, destroy ${Math.round(times.destroyMs)} ms`);
}, { serial: true });

// Real flanneld and etcd inside the machines: etcd on a machine of its own (the agent's `etcd`
// host), flanneld on each node taking its reserved podCIDR and programming the peers. The
// assertions that read flanneld's state (flannel-control-plane, fdb-learning) are the netns run's.
prereqTest('failover on the vagrant provider with real flanneld and etcd in the machines', [...lacking, ...(lacking.length ? [] : flannelMissing())], async (t) => {
  const v = await cli(['scenario', 'failover', '--agent', 'flanneld', '--provider', 'vagrant'], { env: state.env, timeoutMs: 300_000 });
  t.is(v.code, 0, v.stdout + v.stderr);
  const report = reportOf(v.stdout) as Report & { agent: { kind: string; flanneld?: string } };
  t.is(report.provider, 'vagrant');
  t.is(report.agent.kind, 'flanneld');
  t.regex(report.agent.flanneld ?? '', /^v\d+\.\d+\.\d+$/);
  t.true(report.assertions.some((a) => a.id.startsWith('flannel-control-plane[') && a.status === 'passed'));
  t.is(report.assertions.filter((a) => a.status !== 'passed').length, 0);
  // The machine ran etcd, and flanneld on master took the lease etcd held for it: from their logs,
  // fetched from the machines over SFTP.
  t.regex(readFileSync(join(report.runDir, 'flannel', 'master', 'flanneld.log'), 'utf8'), /etcdEndpoints:http:\/\/[0-9.]+:2379/);
  t.regex(readFileSync(join(report.runDir, 'Vagrantfile'), 'utf8'), /config\.vm\.define "etcd"/);
  const runId = report.runDir.split('/').pop()!;
  runs.push(runId);
  t.deepEqual(left(runId), { containers: [], networks: [], named: [] });
  t.false(existsSync(join(report.runDir, 'vagrant')), 'the Vagrant directory is gone');
}, { serial: true });

prereqTest('kill -9 in the middle of vagrant up, then overlab clean: no container, network or Vagrant directory of the run is left', lacking, async (t) => {
  const child = spawnCli(['scenario', 'failover', '--agent', 'emulated', '--provider', 'vagrant'], { env: state.env, detached: true });
  const done = collect(child, 300_000, ['scenario', 'failover']);
  const runId = await poll(
    'a container of the run',
    () => docker('ps', '-a', '--filter', `label=overlab.pid=${child.pid}`, '--format', '{{.Label "overlab.run"}}').split('\n').find(Boolean),
    120_000,
    50,
  );
  runs.push(runId);
  // The CLI and its children (vagrant, docker run) go at once.
  process.kill(-child.pid!, 'SIGKILL');
  t.is((await done).signal, 'SIGKILL');
  // A `docker run` the daemon had accepted finishes on its own: wait until the run's objects stop changing.
  let last = '';
  await poll('the run objects to settle', () => {
    const now = JSON.stringify(left(runId));
    const settled = now === last;
    last = now;
    return settled ? true : undefined;
  }, 30_000, 1000);
  const runDir = join(state.reportsDir, 'failover', runId);
  t.true(existsSync(join(runDir, 'vagrant', 'Vagrantfile')), 'the kill left the Vagrant directory');
  t.true(left(runId).networks.length > 0, 'the kill left networks');
  const clean = await cli(['clean'], { env: state.env, timeoutMs: 300_000 });
  t.is(clean.code, 0, clean.stdout + clean.stderr);
  t.regex(clean.stdout, new RegExp(`run ${runId}: removed`));
  t.deepEqual(left(runId), { containers: [], networks: [], named: [] });
  t.false(existsSync(join(runDir, 'vagrant')), 'the Vagrant directory is gone');
}, { serial: true });

// `vagrant validate` of the generated Vagrantfile with each provider block. libvirt needs the
// vagrant-libvirt plugin (Debian's package); VirtualBox is not packaged for Debian 12, and
// Vagrant's VirtualBox provider refuses to validate without VBoxManage: a stand-in that only
// prints a version lets Vagrant check the virtualbox block's settings (nothing else is asked of it).
const libvirtPlugin = (() => {
  try {
    return execFileSync('vagrant', ['plugin', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('vagrant-libvirt');
  } catch {
    return false;
  }
})();
const validateLacking = [...toolsMissing(['vagrant']), ...(libvirtPlugin || toolsMissing(['vagrant']).length ? [] : ['the vagrant-libvirt plugin (apt-get install -y --no-install-recommends vagrant-libvirt)'])];

prereqTest('vagrant validate passes on the generated Vagrantfile for docker, libvirt and virtualbox, and catches a wrong setting', validateLacking, (t) => {
  const golden = readFileSync(join(process.cwd(), 'test/fixtures/golden/vagrant/failover.Vagrantfile'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'overlab-validate-'));
  try {
    writeFileSync(join(dir, 'Vagrantfile'), golden.replaceAll('/RUNDIR/vagrant', dir));
    writeFileSync(join(dir, 'id_ed25519'), '');
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'VBoxManage'), '#!/bin/sh\n# stand-in for VirtualBox: its version only, for vagrant validate\n[ "$1" = --version ] && echo 7.0.10r158379 || exit 1\n', { mode: 0o755 });
    const validate = (provider: string) => {
      try {
        return { code: 0, out: execFileSync('vagrant', ['validate'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, VAGRANT_DEFAULT_PROVIDER: provider, VAGRANT_CHECKPOINT_DISABLE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] }) };
      } catch (e) {
        return { code: (e as { status: number }).status, out: String((e as { stdout?: string }).stdout) + String((e as { stderr?: string }).stderr) };
      }
    };
    for (const provider of ['docker', 'libvirt', 'virtualbox']) {
      const r = validate(provider);
      t.is(r.code, 0, `${provider}: ${r.out}`);
      t.regex(r.out, /Vagrantfile validated successfully/, provider);
    }
    // A run on libvirt: its block's own settings (run-named networks, direct kernel boot, the console log).
    const libvirtGolden = readFileSync(join(process.cwd(), 'test/fixtures/golden/vagrant/baseline-libvirt.Vagrantfile'), 'utf8');
    writeFileSync(join(dir, 'Vagrantfile'), libvirtGolden.replaceAll('/RUNDIR/vagrant', dir));
    const onLibvirt = validate('libvirt');
    t.is(onLibvirt.code, 0, `libvirt run: ${onLibvirt.out}`);
    t.regex(onLibvirt.out, /Vagrantfile validated successfully/);
    writeFileSync(join(dir, 'Vagrantfile'), readFileSync(join(dir, 'Vagrantfile'), 'utf8').replace('lv.cpus = 1', 'lv.cpus = 1\n      lv.no_such_setting = 1'));
    const bad = validate('libvirt');
    t.not(bad.code, 0);
    t.regex(bad.out, /shouldn't exist: no_such_setting/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
