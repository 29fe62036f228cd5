// Bringing a run's machines up with Vagrant, and turning them into an ssh provider inventory:
// the run's key pair, the Vagrantfile, the labelled networks, `vagrant up --provider docker`,
// then `vagrant ssh-config` for where SSH reaches each machine, and each machine's host key read
// from the container itself (docker exec), never taken from the connection: Vagrant's own
// ssh-config says StrictHostKeyChecking no, which the harness does not follow.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../../core/process.js';
import { HarnessError } from '../../core/errors.js';
import { knownHostName } from '../../ssh/known-hosts.js';
import { parseSshConfig } from './ssh-config.js';
import { vagrant, vagrantUp, type UpTimes } from './cli.js';
import { renderVagrantfile, type VagrantfileInput } from './vagrantfile.js';

export interface VagrantDirFiles {
  dir: string;
  privateKey: string;
  authorizedKeys: string;
  knownHosts: string;
  inventory: string;
  vagrantfile: string;
}

export const dirFiles = (dir: string): VagrantDirFiles => ({
  dir,
  privateKey: join(dir, 'id_ed25519'),
  authorizedKeys: join(dir, 'authorized_keys'),
  knownHosts: join(dir, 'known_hosts'),
  inventory: join(dir, 'inventory.yaml'),
  vagrantfile: join(dir, 'Vagrantfile'),
});

/** The run's own key pair: Vagrant logs in with it, and so does the harness. */
export async function makeKey(files: VagrantDirFiles, runId: string): Promise<void> {
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  await runProcess(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `overlab-${runId}`, '-f', files.privateKey]);
  writeFileSync(files.authorizedKeys, readFileSync(`${files.privateKey}.pub`), { mode: 0o644 });
}

export function writeVagrantfile(files: VagrantDirFiles, input: VagrantfileInput): void {
  writeFileSync(files.vagrantfile, renderVagrantfile(input));
}

export interface UpResult extends UpTimes {
  sshConfigMs: number;
}

/**
 * `vagrant up`, then the inventory the ssh provider reads: each machine's address and port from
 * ssh-config, its segments' interfaces and addresses from the plan, and a known_hosts file with
 * the key each container holds.
 */
export async function upAndDescribe(
  files: VagrantDirFiles,
  input: VagrantfileInput,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<UpResult> {
  const backend = input.libvirt ? 'libvirt' : 'docker';
  // Emulated VMs on a busy machine take many minutes; Vagrant's own boot_timeout says when to give up.
  const times = await vagrantUp(files.dir, backend, progress, input.libvirt ? 30 * 60_000 : 10 * 60_000, signal);
  const t0 = performance.now();
  const configs = parseSshConfig((await vagrant(files.dir, ['ssh-config'])).stdout);
  const machines = input.machines.map((m) => {
    const c = configs.find((x) => x.host === m.name);
    if (!c) throw new HarnessError(`vagrant ssh-config in ${files.dir} names no machine ${m.name}`);
    return { m, c };
  });
  // Each machine's own key, all at once: from inside its container, or from its serial console.
  const keys = await Promise.all(machines.map(({ m }) => (input.libvirt ? consoleHostKey(input.libvirt.consoleDir, m.name) : containerHostKey(`ol-${input.runId}.${m.name}`, m.name))));
  const known = machines.map(({ c }, i) => `${knownHostName(c.hostName, c.port)} ${keys[i]}`);
  // A box's machines: its user (Vagrant put a key of each machine's own in) through sudo.
  const access = (c: (typeof machines)[number]['c']) => (input.libvirt ? [`    user: ${c.user}`, `    key: ${JSON.stringify(c.identityFile ?? '')}`, '    sudo: true'] : []);
  const hosts = machines.flatMap(({ m, c }) => [`  ${m.name}:`, `    address: ${c.hostName}`, `    port: ${c.port}`, ...access(c), ...m.attachments.map((a) => `    ${a.segment}: { interface: ${a.ifname}, address: ${a.ip} }`)]);
  writeFileSync(files.knownHosts, known.join('\n') + '\n');
  const yaml = [
    `# The run's machines as the ssh provider reads them, from \`vagrant ssh-config\` and the plan.`,
    'knownHosts: ./known_hosts',
    'defaults: { user: root, key: ./id_ed25519, agent: false, connectTimeoutMs: 10000 }',
    'hosts:',
    ...hosts,
  ];
  writeFileSync(files.inventory, yaml.join('\n') + '\n');
  return { ...times, sshConfigMs: performance.now() - t0 };
}

const hostKeyOf = (words: string[], where: string, node: string): string => {
  if (words[0] !== 'ssh-ed25519' || !words[1]) throw new HarnessError(`[${node}] ${where} gives no ed25519 host key`);
  return `${words[0]} ${words[1]}`;
};

async function containerHostKey(container: string, node: string): Promise<string> {
  const r = await runProcess(['docker', 'exec', container, 'cat', '/etc/ssh/ssh_host_ed25519_key.pub'], { node });
  return hostKeyOf(r.stdout.trim().split(/\s+/), `${container}'s /etc/ssh/ssh_host_ed25519_key.pub`, node);
}

/**
 * The key a libvirt machine wrote to its serial console at first boot (images/box/overlab-hostkeys),
 * from the log libvirt keeps on this machine: a channel the network cannot forge. By the time
 * Vagrant has provisioned the machine, sshd (started after the key) has long answered.
 */
export function consoleHostKey(consoleDir: string, node: string): string {
  const file = join(consoleDir, `${node}.console.log`);
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new HarnessError(`[${node}] no serial console log ${file} (the libvirt block's lv.serial)`);
  }
  const lines = [...text.matchAll(/^overlab-hostkey (\S+) (\S+)\s*$/gm)];
  if (lines.length === 0) throw new HarnessError(`[${node}] its console (${file}) announced no host key: the box's overlab-hostkeys unit did not run`);
  const last = lines[lines.length - 1]!;
  return hostKeyOf([last[1]!, last[2]!], file, node);
}
