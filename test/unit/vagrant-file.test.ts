// The vagrant provider's pure parts: the Vagrantfile generated from the failover plan (golden,
// word for word: OVERLAB_UPDATE_GOLDEN=1 rewrites it), Ruby string quoting, the interface
// renaming provisioner (run against a fake `ip` by a real sh) and `vagrant ssh-config` parsing.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../harness/scenario/resolve.js';
import { planScenario } from '../../harness/plan/plan.js';
import type { LinkDecl } from '../../harness/plan/types.js';
import { vagrantfileInput } from '../../harness/providers/vagrant/input.js';
import { dottedMask, renameScript, renderVagrantfile, rubyString } from '../../harness/providers/vagrant/vagrantfile.js';
import { consoleHostKey } from '../../harness/providers/vagrant/machines.js';
import { parseSshConfig } from '../../harness/providers/vagrant/ssh-config.js';

const GOLDEN = join(process.cwd(), 'test/fixtures/golden/vagrant/failover.Vagrantfile');

/** The Vagrantfile input of a shipped scenario's plan, with fixed names for the run's files and images. */
function inputOf(scenario: string, plan: ReturnType<typeof planScenario>, box: string, binds: Parameters<typeof vagrantfileInput>[2]['binds']) {
  const wire = plan.steps.find((s) => s.action.type === 'wire')!.action as { links: LinkDecl[] };
  return vagrantfileInput(plan.hosts, wire.links, {
    runId: 'RUN',
    scenario,
    images: { node: 'overlab/node-ssh:N', 'bigip-sim': 'overlab/bigip-sim-ssh:B', client: 'overlab/client-ssh:C' },
    privateKey: '/RUNDIR/vagrant/id_ed25519',
    authorizedKeys: '/RUNDIR/vagrant/authorized_keys',
    labels: { overlab: '1', 'overlab.run': 'RUN' },
    box,
    binds,
  });
}

function failoverInput() {
  const spec = loadScenario('failover');
  const plan = planScenario({ ...spec, flannel: { ...spec.flannel, agent: 'emulated' } });
  return inputOf('failover', plan, 'overlab/debian-bookworm', (h) => (h.kind === 'client' ? ['/usr/bin/node:/usr/bin/node'] : []));
}

test('golden: the failover plan\'s Vagrantfile', (t) => {
  const text = renderVagrantfile(failoverInput());
  if (process.env.OVERLAB_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
  t.is(text, readFileSync(GOLDEN, 'utf8'));
});

test('one machine per node, unit and client, each on its segments with its planned address', (t) => {
  const input = failoverInput();
  t.deepEqual(input.machines.map((m) => m.name).sort(), ['bigip1', 'bigip2', 'client', 'master', 'worker']);
  const bigip1 = input.machines.find((m) => m.name === 'bigip1')!;
  t.deepEqual(bigip1.attachments, [
    { segment: 'underlay', ifname: 'eth0', ip: '10.169.72.36', prefixLength: 16 },
    { segment: 'external', ifname: 'ext0', ip: '10.1.10.36', prefixLength: 24 },
  ]);
  t.deepEqual(input.networks, { underlay: 'ol-RUN.underlay', external: 'ol-RUN.external' });
});

test('Ruby strings: JSON escapes, no interpolation', (t) => {
  t.is(rubyString('a"b\\c'), '"a\\"b\\\\c"');
  t.is(rubyString('#{`id`}'), '"\\#{`id`}"');
  t.is(rubyString('#x'), '"#x"');
});

test('the provisioner renames the interfaces holding the planned addresses, and Docker\'s eth0 out of the way', (t) => {
  // A fake `ip`: interfaces in a file, `addr show to` answers from it, renames are applied.
  const dir = mkdtempSync(join(tmpdir(), 'overlab-vagrant-'));
  try {
    writeFileSync(join(dir, 'links'), 'eth0 172.18.0.2\neth1 10.169.72.36\neth2 10.1.10.36\n');
    writeFileSync(join(dir, 'ip'), `#!/bin/sh
L=${dir}/links
case "$*" in
  "-o -4 addr show to "*) a=\${6%/32}; awk -v a="$a" '$2==a {print "1: " $1 " inet " a; exit}' $L ;;
  "link show dev "*) grep -q "^$4 " $L ;;
  *" name "*) sed -i "s/^$4 /$6 /" $L ;;
  *) : ;;
esac
`);
    chmodSync(join(dir, 'ip'), 0o755);
    const script = renameScript([
      { segment: 'underlay', ifname: 'eth0', ip: '10.169.72.36', prefixLength: 16 },
      { segment: 'external', ifname: 'ext0', ip: '10.1.10.36', prefixLength: 24 },
    ]);
    execFileSync('sh', ['-c', script], { env: { PATH: `${dir}:/usr/bin:/bin` } });
    t.is(readFileSync(join(dir, 'links'), 'utf8'), 'mgmt0 172.18.0.2\neth0 10.169.72.36\next0 10.1.10.36\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vagrant ssh-config: address, port, user and key of each machine; its host key options are not taken', (t) => {
  // As Vagrant 2.3.4's docker provider prints it.
  const text = `Host master
  HostName 127.0.0.1
  User root
  Port 2200
  UserKnownHostsFile /dev/null
  StrictHostKeyChecking no
  PasswordAuthentication no
  IdentityFile "/tmp/run dir/vagrant/id_ed25519"
  IdentitiesOnly yes
  LogLevel FATAL
  PubkeyAcceptedKeyTypes +ssh-rsa
  HostKeyAlgorithms +ssh-rsa

Host worker
  HostName 127.0.0.1
  User root
  Port 2201
  IdentityFile /r/vagrant/id_ed25519
`;
  t.deepEqual(parseSshConfig(text), [
    { host: 'master', hostName: '127.0.0.1', port: 2200, user: 'root', identityFile: '/tmp/run dir/vagrant/id_ed25519' },
    { host: 'worker', hostName: '127.0.0.1', port: 2201, user: 'root', identityFile: '/r/vagrant/id_ed25519' },
  ]);
});

const BASELINE_GOLDEN = join(process.cwd(), 'test/fixtures/golden/vagrant/baseline-libvirt.Vagrantfile');

function baselineLibvirtInput() {
  const input = inputOf('baseline', planScenario(loadScenario('baseline')), 'overlab/debian-bookworm-HASH', () => []);
  return { ...input, libvirt: { prefix: 'ol-RUN-', managementNetwork: 'ol-RUN-mgmt', managementCidr: '192.168.200.0/24', kernel: '/CACHE/vmlinuz', initrd: '/CACHE/initrd.img', cmdLine: 'root=/dev/vda rw console=ttyS0', consoleDir: '/RUNDIR/vagrant', driver: 'kvm' as const } };
}

test('golden: the baseline plan\'s Vagrantfile for a run on libvirt (run-named domains and networks, direct kernel boot, console log)', (t) => {
  const text = renderVagrantfile(baselineLibvirtInput());
  if (process.env.OVERLAB_UPDATE_GOLDEN === '1') writeFileSync(BASELINE_GOLDEN, text);
  t.is(text, readFileSync(BASELINE_GOLDEN, 'utf8'));
  // Every name libvirt will hold carries the run id.
  t.regex(text, /lv\.default_prefix = "ol-RUN-"/);
  t.regex(text, /lv\.management_network_name = "ol-RUN-mgmt"/);
  t.regex(text, /libvirt__network_name: "ol-RUN-underlay"/);
  t.regex(text, /lv\.serial :type => "file", :source => \{ :path => "\/RUNDIR\/vagrant\/worker02\.console\.log" \}/);
  // libvirt refuses a prefix length as a netmask; docker takes one.
  t.regex(text, /ip: "172\.16\.1\.100", netmask: "255\.255\.255\.0", libvirt__network_name/);
  t.regex(text, /ip: "172\.16\.1\.100", netmask: "24", name: "ol-RUN\.underlay"/);
  // A docker run's Vagrantfile has none of it.
  t.notRegex(renderVagrantfile(failoverInput()), /default_prefix|lv\.kernel|lv\.serial/);
});

test('netmasks: a prefix length as a dotted mask', (t) => {
  t.deepEqual([0, 8, 16, 20, 24, 30, 32].map(dottedMask), ['0.0.0.0', '255.0.0.0', '255.255.0.0', '255.255.240.0', '255.255.255.0', '255.255.255.252', '255.255.255.255']);
});

test('a libvirt machine\'s host key, from its serial console log: the last one announced, CRs and boot noise around it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-console-'));
  try {
    writeFileSync(join(dir, 'master.console.log'), '[    0.000000] Linux version 6.1\r\nssh-ed25519 AAAAnotannounced\r\noverlab-hostkey ssh-ed25519 AAAAold\r\n[  OK  ] Started ssh.service\r\noverlab-hostkey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK\r\n');
    t.is(consoleHostKey(dir, 'master'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK');
    writeFileSync(join(dir, 'worker.console.log'), '[    0.000000] Linux version 6.1\r\noverlab-hostkey ssh-rsa AAAAB3\r\n');
    t.throws(() => consoleHostKey(dir, 'worker'), { message: /no ed25519 host key/ });
    writeFileSync(join(dir, 'quiet.console.log'), 'login:\r\n');
    t.throws(() => consoleHostKey(dir, 'quiet'), { message: /announced no host key: the box's overlab-hostkeys unit did not run/ });
    t.throws(() => consoleHostKey(dir, 'absent'), { message: /no serial console log/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
