// The netns provider's part of `overlab doctor`: beyond the tools, it proves the kernel can make
// what the testbed needs, in a throwaway namespace, and says how namespaces will be configured.
import { existsSync, statfsSync } from 'node:fs';
import { LocalRunner } from '../../core/command.js';
import type { Prerequisite } from '../types.js';
import { ip } from '../../devices/linux/commands.js';
import { netnsAddon } from '../../netlink/addon.js';
import { NetlinkSocket } from '../../netlink/socket.js';

export async function netnsDoctor(): Promise<Prerequisite[]> {
  return [...(await kernelCheck()), netnsDirCheck()];
}

/**
 * The in-process configuration path (harness/netlink): the addon loads and speaks rtnetlink in
 * the namespace. Never fatal: without it boots run one `ip` process per namespace, slower.
 */
function netlinkCheck(ns: string): Prerequisite {
  const what = 'netlink configuration (in-process)';
  const fix = 'apt-get install g++ make python3, then npm run build (builds native/netns)';
  const { addon, why } = netnsAddon();
  if (!addon) return { what, ok: true, detail: `not in use, booting with ip processes instead: ${why}`, fix };
  try {
    const socket = new NetlinkSocket(addon.netlinkSocketIn(`/run/netns/${ns}`));
    try {
      return { what, ok: true, detail: `in use: brtest0 is ifindex ${socket.ifindex('brtest0')} as seen from inside the namespace`, fix };
    } finally {
      socket.close();
    }
  } catch (e) {
    return { what, ok: false, detail: (e as Error).message, fix: `${fix}; or OVERLAB_NETNS_CONFIG=iproute2 to boot without it` };
  }
}

const TMPFS_MAGIC = 0x01021994;

/**
 * Where named namespaces' files live. Never fatal: on a disk (a VM whose /run is not a tmpfs)
 * each namespace costs an inode allocation and boots take about twice as long.
 */
function netnsDirCheck(): Prerequisite {
  const what = '/run/netns on a tmpfs';
  const fix = 'sudo bash scripts/setup.sh (mounts a tmpfs on /run/netns while it holds no namespaces)';
  const dir = existsSync('/run/netns') ? '/run/netns' : '/run';
  try {
    const onTmpfs = statfsSync(dir).type === TMPFS_MAGIC;
    return { what, ok: true, detail: onTmpfs ? `${dir} is a tmpfs` : `${dir} is on disk: namespace creation is ~2x slower than on a tmpfs`, fix };
  } catch (e) {
    return { what, ok: true, detail: `cannot tell: ${(e as Error).message}`, fix };
  }
}

async function kernelCheck(): Promise<Prerequisite[]> {
  const runner = new LocalRunner();
  const ns = `ol-doctor-${process.pid}`;
  const lines = [
    ip.netnsAdd(ns),
  ];
  const inside = [
    ip.addVxlan({ name: 'vx0', vni: 0, port: 8472, local: '192.0.2.1', learning: true, mtu: 1450, mac: '02:00:00:00:00:02' }),
    ip.addBridge('brtest0', '02:00:00:00:00:03', 1450),
    ip.linkMaster('vx0', 'brtest0'),
    ip.addVethPair({ name: 'va', mac: '02:00:00:00:00:04', mtu: 1500 }, { name: 'vb', mac: '02:00:00:00:00:05', mtu: 1500 }),
  ];
  try {
    await runner.run(['ip', '-batch', '-'], { stdin: lines.map((l) => l.join(' ')).join('\n') + '\n' });
    const r = await runner.run(['ip', '-n', ns, '-batch', '-'], { stdin: inside.map((l) => l.join(' ')).join('\n') + '\n', allowFailure: true });
    const kernel: Prerequisite = {
      what: 'kernel: vxlan, bridge, veth in a network namespace',
      ok: r.exitCode === 0,
      detail: r.exitCode === 0 ? 'created and removed a VXLAN VTEP in a bridge and a veth pair' : r.stderr.trim(),
      fix: 'load the modules: modprobe vxlan bridge veth (a container needs --privileged)',
    };
    return r.exitCode === 0 ? [kernel, netlinkCheck(ns)] : [kernel];
  } catch (e) {
    return [{ what: 'kernel: network namespaces', ok: false, detail: (e as Error).message, fix: 'run as root on a kernel with network namespaces (a container needs --privileged)' }];
  } finally {
    await runner.run(['ip', 'netns', 'del', ns], { allowFailure: true });
  }
}

