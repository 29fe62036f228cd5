// Stand-in units for the tmsh device, reached the way a VE is: over real SSH. Each unit gets a
// management interface (seed 000's 10.3.72.x, on a link between the two units that also carries
// the face's HA datagrams, UDP 1026), its own sshd (openssh-server, host key made for the run,
// root by the run's own key, listening on the management address only) and the face as `tmsh`
// on the session's PATH. The harness reaches sshd through a small forwarder started inside the
// unit (socat, as OpenSSH's ProxyCommand would), so no link enters the machine's own namespace
// and the testbed's own traffic never shares the way in. Files (keys, known_hosts, the face's
// state) are made from the switch host: before sshd is up, nothing on a unit is reached over SSH.
import type { PlanStep } from '../../../plan/types.js';
import type { Topology, UnitTopology } from '../../../spec/topology.js';
import type { SshTarget } from '../../../ssh/target.js';
import { launcherScript } from '../tmsh-face/launcher.js';
import { UNIT_EXTERNAL_IF, UNIT_UNDERLAY_IF } from '../sim/config.js';
import { isStandIn } from './plan.js';
import { UNDERLAY_HOST } from '../../../plan/plan.js';

export const MGMT_IF = 'mgmt0';
const SSHD = '/usr/sbin/sshd';
const SSH_READY_TIMEOUT_MS = 10_000;
/** The run's SSH keys and known_hosts (never in the run directory, which is evidence). */
const SSH_DIR = '/run/overlab/ssh-{run}';

/** seed 000's management network: 10.3.72.<the unit's last underlay octet>/16. */
export const mgmtAddress = (u: UnitTopology): string => `10.3.72.${u.underlayIp.split('.')[3]}`;

const unitDir = (u: UnitTopology) => `units/${u.name}`;

/** Where the harness reaches each unit: a VE as its inventory says, a stand-in's sshd through a forwarder inside it. */
export function unitTargets(topology: Topology, runId: string, forwarder: (unit: string, argv: string[]) => string[]): SshTarget[] {
  const units = topology.bigip?.units ?? [];
  // A real unit is reached as its inventory says; a stand-in at its management address.
  return [...units.flatMap((u) => (u.ssh ? [{ ...u.ssh, name: u.name }] : [])), ...standInTargets(units.filter(isStandIn), runId, forwarder)];
}

function standInTargets(units: readonly UnitTopology[], runId: string, forwarder: (unit: string, argv: string[]) => string[]): SshTarget[] {
  return units.map((u) => ({
    name: u.name,
    address: mgmtAddress(u),
    port: 22,
    user: 'root',
    privateKey: `${SSH_DIR.replace('{run}', runId)}/id_ed25519`,
    agent: '',
    proxyCommand: forwarder(u.name, ['socat', 'STDIO', `TCP:${mgmtAddress(u)}:22,nodelay`]),
    knownHosts: `${SSH_DIR.replace('{run}', runId)}/known_hosts`,
    acceptNew: false,
    connectTimeoutMs: 5000,
    sudo: false,
  }));
}

export function standInSteps(topology: Topology): PlanStep[] {
  const b = topology.bigip;
  const units = (b?.units ?? []).filter(isStandIn);
  if (!b || units.length === 0) return [];
  const [one, two] = units;
  const steps: PlanStep[] = [];
  if (one && two) {
    steps.push({
      id: 'unit-ha-link',
      phase: 'boot',
      title: `${one.name} - ${two.name}: management/HA link (10.3.72.x)`,
      dependsOn: ['hosts'],
      action: { type: 'wire', links: [{ a: { host: one.name, ifname: MGMT_IF, mac: '0e:0c:0a:03:48:' + hex(one), mtu: 1500 }, b: { host: two.name, ifname: MGMT_IF, mac: '0e:0c:0a:03:48:' + hex(two), mtu: 1500 } }] },
    });
  }
  steps.push({
    id: 'unit-ssh-client-key',
    phase: 'boot',
    title: 'the run\'s SSH key for the stand-in units',
    dependsOn: ['hosts'],
    // Key material stays out of the run directory (which is evidence): a scratch directory of the
    // run's, removed at teardown and by `overlab clean`.
    action: { type: 'exec', host: UNDERLAY_HOST, scratch: [SSH_DIR], commands: [['sh', '-c', 'mkdir -p -m 700 "$1" && ssh-keygen -q -t ed25519 -N "" -C "$2" -f "$1/id_ed25519"', 'sh', SSH_DIR, 'overlab-{run}']] },
  });
  for (const u of units) {
    const peer = units.find((p) => p !== u);
    const dir = `{runDir}/${unitDir(u)}`;
    steps.push({
      id: `unit-face-files:${u.name}`,
      phase: 'boot',
      title: `${u.name}: tmsh face (unit.json, tmsh on its PATH)`,
      dependsOn: ['hosts'],
      action: {
        type: 'write-files',
        files: [
          { path: `${unitDir(u)}/bin/tmsh`, content: launcherScript({ stateDirBesideScript: '../state' }) },
          {
            path: `${unitDir(u)}/state/unit.json`,
            content: JSON.stringify({ unit: u.name, peer: { unit: peer?.name ?? u.name, haAddress: peer ? mgmtAddress(peer) : mgmtAddress(u) }, haAddress: mgmtAddress(u), interfaces: { '1.1': UNIT_UNDERLAY_IF, '1.2': UNIT_EXTERNAL_IF }, tunnelMac: u.tunnelMac, initialStatus: u.name === b.active ? 'ACTIVE' : 'STANDBY' }, null, 2) + '\n',
          },
        ],
      },
    });
    steps.push({
      id: `unit-mgmt:${u.name}`,
      phase: 'boot',
      title: `${u.name}: management ${mgmtAddress(u)}/16 on ${MGMT_IF}`,
      dependsOn: ['wire', ...(one && two ? ['unit-ha-link'] : [])],
      action: { type: 'host-config', host: u.name, intent: [{ kind: 'link-up', dev: 'lo' }, { kind: 'ipv6-addrgen-off', dev: MGMT_IF }, { kind: 'address', cidr: `${mgmtAddress(u)}/16`, dev: MGMT_IF }, { kind: 'link-up', dev: MGMT_IF }] },
    });
    steps.push({
      id: `unit-host-key:${u.name}`,
      phase: 'boot',
      title: `${u.name}: sshd host key, known to the harness`,
      dependsOn: [`unit-face-files:${u.name}`, 'unit-ssh-client-key'],
      action: {
        type: 'exec',
        host: UNDERLAY_HOST,
        commands: [
          ['chmod', '755', `${dir}/bin/tmsh`],
          // known_hosts gets the key the run just made: nothing is accepted unseen. (One command:
          // an exec step's commands run at once.)
          ['sh', '-c', 'ssh-keygen -q -t ed25519 -N "" -C "$1" -f "$2" && echo "$3 $(cut -d" " -f1,2 "$2.pub")" >> "$4"', 'sh', `overlab-{run}-${u.name}`, `${SSH_DIR}/${u.name}_host_key`, mgmtAddress(u), `${SSH_DIR}/known_hosts`],
        ],
      },
    });
    steps.push({
      id: `unit-sshd:${u.name}`,
      phase: 'boot',
      title: `${u.name}: sshd on ${mgmtAddress(u)}:22 (root by the run's key; tmsh on PATH)`,
      dependsOn: [`unit-host-key:${u.name}`, `unit-mgmt:${u.name}`],
      action: {
        type: 'spawn',
        host: u.name,
        log: `${unitDir(u)}/sshd.log`,
        argv: [
          SSHD, '-D', '-e', '-f', '/dev/null',
          '-o', `ListenAddress=${mgmtAddress(u)}`,
          '-o', `HostKey=${SSH_DIR}/${u.name}_host_key`,
          '-o', `AuthorizedKeysFile=${SSH_DIR}/id_ed25519.pub`,
          '-o', 'PidFile=none',
          '-o', 'PermitRootLogin=prohibit-password',
          '-o', 'PasswordAuthentication=no',
          '-o', 'KbdInteractiveAuthentication=no',
          '-o', 'UsePAM=no',
          '-o', 'StrictModes=no',
          '-o', 'Subsystem=sftp internal-sftp',
          // The face is the session's tmsh; a home without rc files keeps each command ~10 ms.
          '-o', `SetEnv=PATH=${dir}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=${dir}`,
        ],
      },
    });
    steps.push({
      id: `unit-hbd:${u.name}`,
      phase: 'boot',
      title: `${u.name}: the face's HA daemon on ${mgmtAddress(u)} UDP 1026`,
      dependsOn: [`unit-mgmt:${u.name}`, `unit-face-files:${u.name}`, `unit-host-key:${u.name}`],
      action: { type: 'spawn', host: u.name, log: `${unitDir(u)}/hbd.log`, argv: [`${dir}/bin/tmsh`, 'hbd'] },
    });
    steps.push({
      id: `unit-ssh-ready:${u.name}`,
      phase: 'boot',
      title: `${u.name}: answers over SSH, its HA daemon listening`,
      dependsOn: [`unit-sshd:${u.name}`, `unit-hbd:${u.name}`],
      action: { type: 'wait-command', host: u.name, argv: ['ss', '-Hlun', 'sport = :1026'], what: `${u.name}'s sshd to let the harness in and its HA daemon to listen`, timeoutMs: SSH_READY_TIMEOUT_MS, expect: '1026' },
    });
  }
  return steps;
}

const hex = (u: UnitTopology) => Number(u.underlayIp.split('.')[3]).toString(16).padStart(2, '0');
