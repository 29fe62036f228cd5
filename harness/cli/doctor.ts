// `overlab doctor`: every prerequisite, whether it is met, and the command that fixes it. Beyond
// the tools it proves the kernel can make what the testbed needs, in a throwaway namespace.
import { LocalRunner } from '../core/command.js';
import { createProvider } from '../providers/registry.js';
import { ResourceLedger } from '../core/ledger.js';
import type { Prerequisite } from '../providers/types.js';
import { ip } from '../devices/linux/commands.js';

export async function doctor(providerKind = 'netns'): Promise<Prerequisite[]> {
  const provider = createProvider(providerKind, { runId: 'doctor', ledger: new ResourceLedger('/nonexistent') });
  const checks = await provider.preflight();
  if (providerKind === 'netns' && checks.every((c) => c.ok)) checks.push(await kernelCheck());
  return checks;
}

async function kernelCheck(): Promise<Prerequisite> {
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
    return {
      what: 'kernel: vxlan, bridge, veth in a network namespace',
      ok: r.exitCode === 0,
      detail: r.exitCode === 0 ? 'created and removed a VXLAN VTEP in a bridge and a veth pair' : r.stderr.trim(),
      fix: 'load the modules: modprobe vxlan bridge veth (a container needs --privileged)',
    };
  } catch (e) {
    return { what: 'kernel: network namespaces', ok: false, detail: (e as Error).message, fix: 'run as root on a kernel with network namespaces (a container needs --privileged)' };
  } finally {
    await runner.run(['ip', 'netns', 'del', ns], { allowFailure: true });
  }
}

