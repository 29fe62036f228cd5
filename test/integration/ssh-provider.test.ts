// The failover scenario with every host on the ssh provider: existing machines (namespaces with
// their own interfaces and a real sshd each, _machines.ts) reached only over SSH through a
// management network. The same checks as on netns pass; each machine is left exactly as it was
// (ip/bridge/nft state compared before and after); no secret is in any file of the run; a wrong
// inventory and an unreachable machine are exit 2 naming the host.
import test from 'ava';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, flannelMissing, isolateState, missingPrerequisites, prereqTest } from './_env.js';
import { sshdMissing } from './_sshd.js';
import { makeMachines, type Machines } from './_machines.js';

const state = isolateState('ssh-provider');
const missing = [...(missingPrerequisites() ? [missingPrerequisites()!.replace(/^needs /, '')] : []), ...sshdMissing()];
const tag = `s${process.pid}`;
let machines: Machines | undefined;

const { loadScenario } = await import('../../harness/scenario/resolve.js');
const { planScenario } = await import('../../harness/plan/plan.js');
const spec = loadScenario('failover');
const plan = planScenario({ ...spec, flannel: { ...spec.flannel, agent: 'emulated' } });

test.before(async () => {
  if (missing.length === 0) machines = await makeMachines(plan, tag);
});
test.after.always(async () => {
  await machines?.stop();
  state.remove();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const summary = (report: { assertions: { name: string; status: string }[] }) => report.assertions.map((a) => `${a.name} ${a.status}`).sort();

prereqTest('failover on the ssh provider: the checks of netns, each machine left as it was, no secret written', missing, async (t) => {
  const m = machines!;
  const hosts = Object.keys(m.namespaces);
  const before = Object.fromEntries(hosts.map((h) => [h, m.state(h)]));
  const ssh = await cli(['scenario', 'failover', '--agent', 'emulated', '--provider', 'ssh', '--inventory', m.inventory], { env: state.env, timeoutMs: 180_000 });
  t.is(ssh.code, 0, ssh.stdout + ssh.stderr);
  const netns = await cli(['scenario', 'failover', '--agent', 'emulated', '--provider', 'netns'], { env: state.env, timeoutMs: 120_000 });
  t.is(netns.code, 0, netns.stdout + netns.stderr);
  type Report = { provider: string; status: string; assertions: { name: string; status: string }[]; runDir: string };
  const reportOf = (stdout: string) => JSON.parse(readFileSync(/report: (\S+)/.exec(stdout)![1]!, 'utf8')) as Report;
  const onSsh = reportOf(ssh.stdout);
  const onNetns = reportOf(netns.stdout);
  t.is(onSsh.provider, 'ssh');
  t.is(onSsh.status, 'passed');
  t.deepEqual(summary(onSsh), summary(onNetns));
  // Captures were made on the machines and fetched over SFTP: real pcap files, non-empty.
  const pcaps = filesUnder(onSsh.runDir).filter((f) => f.endsWith('.pcap'));
  t.true(pcaps.length > 0, 'pcaps fetched');
  for (const p of pcaps) t.true(statSync(p).size > 24, `${p} has packets`);
  for (const h of hosts) t.is(m.state(h), before[h]!, `${h} is as it was`);
  // No key material and no private key path content in any file of the run.
  const key = readFileSync(m.clientKey, 'utf8').split('\n').filter((l): l is string => !!l && !l.startsWith('-----'));
  for (const f of filesUnder(onSsh.runDir)) {
    const text = readFileSync(f).toString('latin1');
    for (const line of key) t.false(text.includes(line), `${f} holds a line of the private key`);
  }
}, { serial: true });

prereqTest('a machine missing from the inventory, and an unreachable one, are exit 2 naming the host', missing, async (t) => {
  const m = machines!;
  const text = readFileSync(m.inventory, 'utf8');
  const lacking = join(m.dir, 'lacking.yaml');
  writeFileSync(lacking, text.replace(/^  client:\n(    .*\n)+/m, ''));
  const a = await cli(['scenario', 'failover', '--agent', 'emulated', '--provider', 'ssh', '--inventory', lacking], { env: state.env });
  t.is(a.code, 2, a.stderr);
  t.regex(a.stderr, /client is not in the inventory .*; add hosts\.client/);
  const silent = join(m.dir, 'silent.yaml');
  // worker's address becomes one on the management network that nobody has.
  writeFileSync(silent, text.replace(/(  worker:\n    address: )\S+/, '$110.3.72.250').replace('connectTimeoutMs: 5000', 'connectTimeoutMs: 1500'));
  const t0 = Date.now();
  const b = await cli(['scenario', 'failover', '--agent', 'emulated', '--provider', 'ssh', '--inventory', silent], { env: state.env });
  t.is(b.code, 2, b.stderr);
  t.regex(b.stderr, /worker \(root@10\.3\.72\.250:22\)/);
  t.true(Date.now() - t0 < 15_000);
  const bad = join(m.dir, 'bad.yaml');
  writeFileSync(bad, text.replace('    address: 10.3.72.10', '    address: "10.3.72.10; reboot"'));
  const c = await cli(['scenario', 'failover', '--provider', 'ssh', '--inventory', bad], { env: state.env });
  t.is(c.code, 2, c.stderr);
  t.regex(c.stderr, /bad\.yaml:\d+: hosts\.\w+\.address: "10\.3\.72\.10; reboot" is not a host name or address/);
}, { serial: true });

prereqTest('a kept run on the ssh provider: overlab clean undoes it from the ledger, over SSH, and each machine is as it was', missing, async (t) => {
  const m = machines!;
  const hosts = Object.keys(m.namespaces);
  const before = Object.fromEntries(hosts.map((h) => [h, m.state(h)]));
  const up = await cli(['up', 'failover', '--agent', 'emulated', '--provider', 'ssh', '--inventory', m.inventory], { env: state.env, timeoutMs: 120_000 });
  t.is(up.code, 0, up.stdout + up.stderr);
  const runId = /run (\w+) is up/.exec(up.stdout)![1]!;
  t.not(m.state('master'), before.master, 'the kept run changed master');
  // The owner is gone: clean reaches the machines again from the inventory the ledger recorded.
  const clean = await cli(['clean'], { env: state.env, timeoutMs: 60_000 });
  t.is(clean.code, 0, clean.stdout + clean.stderr);
  t.regex(clean.stdout, new RegExp(`run ${runId}: removed`));
  for (const h of hosts) t.is(m.state(h), before[h]!, `${h} is as it was`);
}, { serial: true });

prereqTest('a changed host key and a wrong key are exit 2 naming the host and the fix; doctor checks each machine', missing, async (t) => {
  const m = machines!;
  const text = readFileSync(m.inventory, 'utf8');
  const { keyPair } = await import('./_sshd.js');
  const other = keyPair(m.dir, 'not_the_host_key');
  const pub = readFileSync(`${other}.pub`, 'utf8').trim().split(/\s+/);
  const changed = join(m.dir, 'known_hosts.changed');
  writeFileSync(changed, readFileSync(m.knownHosts, 'utf8').replace(/^10\.3\.72\.10 .*$/m, `10.3.72.10 ${pub[0]} ${pub[1]}`));
  const hk = join(m.dir, 'hostkey.yaml');
  writeFileSync(hk, text.replace(`knownHosts: ${m.knownHosts}`, `knownHosts: ${changed}`));
  const a = await cli(['scenario', 'failover', '--agent', 'emulated', '--provider', 'ssh', '--inventory', hk, '--ssh-accept-new'], { env: state.env });
  t.is(a.code, 2, a.stderr);
  t.regex(a.stderr, /master \(root@10\.3\.72\.10:22\): HOST KEY MISMATCH.*ssh-keygen -R/);
  const wrong = join(m.dir, 'wrongkey.yaml');
  writeFileSync(wrong, text.replace(`key: ${m.clientKey}`, `key: ${keyPair(m.dir, 'stranger')}`));
  const b = await cli(['scenario', 'failover', '--agent', 'emulated', '--provider', 'ssh', '--inventory', wrong], { env: state.env });
  t.is(b.code, 2, b.stderr);
  t.regex(b.stderr, /authentication failed \(tried key .*stranger\); check the inventory's user and key/);
  const doctor = await cli(['doctor', '--inventory', m.inventory], { env: state.env });
  t.is(doctor.code, 0, doctor.stdout + doctor.stderr);
  for (const h of Object.keys(m.namespaces)) t.regex(doctor.stdout, new RegExp(`ok\\s+${h} \\(root@10\\.3\\.72\\.\\d+\\).*reachable, root`));
  const sick = await cli(['doctor', '--inventory', wrong], { env: state.env });
  t.is(sick.code, 2);
  t.regex(sick.stdout, /MISSING\s+master/);
}, { serial: true });

prereqTest('upstream flanneld on the ssh provider: its binary and etcd on the machines, the checks of netns, each machine as it was', [...missing, ...flannelMissing()], async (t) => {
  const flannelPlan = planScenario({ ...spec, flannel: { ...spec.flannel, agent: 'flanneld' } });
  const m = await makeMachines(flannelPlan, `f${process.pid}`);
  try {
    t.true(Object.keys(m.namespaces).includes('etcd'), 'flanneld\'s etcd member has a machine of its own');
    const hosts = Object.keys(m.namespaces);
    const before = Object.fromEntries(hosts.map((h) => [h, m.state(h)]));
    const ssh = await cli(['scenario', 'failover', '--agent', 'flanneld', '--provider', 'ssh', '--inventory', m.inventory], { env: state.env, timeoutMs: 180_000 });
    t.is(ssh.code, 0, ssh.stdout + ssh.stderr);
    t.regex(ssh.stdout, /flannel: flanneld v\d/);
    const netns = await cli(['scenario', 'failover', '--agent', 'flanneld'], { env: state.env, timeoutMs: 120_000 });
    t.is(netns.code, 0, netns.stdout + netns.stderr);
    const read = (stdout: string) => (JSON.parse(readFileSync(/report: (\S+)/.exec(stdout)![1]!, 'utf8')) as { assertions: { name: string; status: string }[] }).assertions.map((a) => `${a.name} ${a.status}`).sort();
    t.deepEqual(read(ssh.stdout), read(netns.stdout));
    for (const h of hosts) t.is(m.state(h), before[h]!, `${h} is as it was`);
  } finally {
    await m.stop();
  }
}, { serial: true });
