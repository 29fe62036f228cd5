// Real OpenSSH servers for the SSH tests (not a test file): an sshd per network namespace, with
// its own host key, config and authorized key in a temporary directory, reached from the test
// through a proxy command (socat inside the namespace), as the harness reaches a management
// network. Everything it makes (namespaces, sshd processes, files) is removed by stop().
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';
export const sshdMissing = (): string[] => (existsSync(SSHD) ? [] : ['openssh-server (/usr/sbin/sshd): apt-get install openssh-server, or bash scripts/setup.sh']);

export interface Sshd {
  ns: string;
  address: string;
  dir: string;
  clientKey: string;
  /** `<name> <type> <base64>` for a known_hosts file. */
  hostKeyLine(name: string): string;
  /** The proxy command that reaches this sshd from the host's namespace. */
  proxy(port?: number, address?: string): string[];
  child: ChildProcess;
  stop(): Promise<void>;
}

const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).toString();

/** A key pair in `dir` (ed25519, no passphrase). */
export function keyPair(dir: string, name: string): string {
  const file = join(dir, name);
  if (!existsSync(file)) run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `overlab-test-${name}`, '-f', file]);
  return file;
}

/**
 * Starts sshd in namespace `ns` (which must exist, with `address` on one of its devices) on
 * port 22. `clientKey` may be shared by several servers.
 */
export async function startSshd(options: { ns: string; address: string; clientKey?: string; extraConfig?: string[] }): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'overlab-sshd-'));
  const hostKey = keyPair(dir, 'host_ed25519');
  const clientKey = options.clientKey ?? keyPair(dir, 'client_ed25519');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  // sshd insists on its privilege separation directory (the package's tmpfiles.d makes it at boot).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = [
    `ListenAddress ${options.address}`,
    'Port 22',
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'Subsystem sftp internal-sftp',
    'MaxStartups 100',
    'LogLevel ERROR',
    // bash sources ~/.bashrc for commands sshd runs; this machine's starts pyenv (~150 ms a
    // command). The test machines' root gets a home of its own without one, like a plain host.
    `SetEnv HOME=${dir}`,
    ...(options.extraConfig ?? []),
  ];
  writeFileSync(join(dir, 'sshd_config'), config.join('\n') + '\n');
  const child = spawn('nsenter', [`--net=/run/netns/${options.ns}`, '--', SSHD, '-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  // Ready when it accepts a TCP connection on the address (checked from inside the namespace).
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      run(['nsenter', `--net=/run/netns/${options.ns}`, '--', 'socat', '-u', 'OPEN:/dev/null', `TCP:${options.address}:22,connect-timeout=1`]);
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`sshd in ${options.ns} did not start: ${stderr || `exit ${child.exitCode}`}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  return {
    ns: options.ns,
    address: options.address,
    dir,
    clientKey,
    child,
    hostKeyLine: (name) => `${name} ${pub[0]} ${pub[1]}`,
    proxy: (port = 22, address = options.address) => ['nsenter', `--net=/run/netns/${options.ns}`, '--', 'socat', 'STDIO', `TCP:${address}:${port},connect-timeout=3`],
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A namespace with lo up and `address` on mgmt0, one end of a veth pair whose other end is up in
 * the same namespace with no address: other addresses of the subnet exist but nobody answers.
 */
export function makeNamespace(ns: string, address: string): void {
  run(['ip', 'netns', 'add', ns]);
  run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  run(['ip', '-n', ns, 'link', 'add', 'mgmt0', 'type', 'veth', 'peer', 'name', 'mgmt0p']);
  run(['ip', '-n', ns, 'link', 'set', 'mgmt0p', 'up']);
  run(['ip', '-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'mgmt0']);
  run(['ip', '-n', ns, 'link', 'set', 'mgmt0', 'up']);
}

export function deleteNamespace(ns: string): void {
  try {
    run(['ip', 'netns', 'del', ns]);
  } catch {
    // already gone
  }
}
