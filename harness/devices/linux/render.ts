// Linux intent -> what a provider runs: each kind becomes the iproute2 or bridge words of
// commands.ts (so `overlab plan` and the netlink translator see the same lines as ever), a sysctl
// setting, or an nftables ruleset; consecutive intents for the same tool share one bulk action
// (one `ip -batch`, one netlink socket), and the host's order is kept across tools.
import { bridge, ip, type IpLine } from './commands.js';
import type { LinuxIntent } from './intent.js';
import type { BulkAction } from '../../providers/types.js';

/** The tool an intent needs, with its words for ip and bridge. */
export type RenderedIntent =
  | { tool: 'ip'; line: IpLine }
  | { tool: 'bridge'; line: IpLine }
  | { tool: 'sysctl'; settings: Record<string, string> }
  | { tool: 'nft'; ruleset: string };

/** One intent in the words iproute2, bridge, sysctl or nft take. */
export function renderOne(i: LinuxIntent): RenderedIntent {
  switch (i.kind) {
    case 'link-up':
      return { tool: 'ip', line: ip.linkUp(i.dev) };
    case 'link-down':
      return { tool: 'ip', line: ip.linkDown(i.dev) };
    case 'ipv6-addrgen-off':
      return { tool: 'ip', line: ip.addrGenNone(i.dev) };
    case 'link-removed':
      return { tool: 'ip', line: ip.linkDel(i.dev) };
    case 'bridge-device':
      return { tool: 'ip', line: ip.addBridge(i.name, i.mac, i.mtu) };
    case 'vxlan-device':
      return { tool: 'ip', line: ip.addVxlan(i) };
    case 'dummy-device':
      return { tool: 'ip', line: ip.addDummy(i.name, i.mac) };
    case 'master':
      return { tool: 'ip', line: ip.linkMaster(i.dev, i.master) };
    case 'no-master':
      return { tool: 'ip', line: ip.linkNoMaster(i.dev) };
    case 'mtu':
      return { tool: 'ip', line: ip.linkMtu(i.dev, i.mtu) };
    case 'address':
      return { tool: 'ip', line: ip.addrAdd(i.cidr, i.dev) };
    case 'address-removed':
      return { tool: 'ip', line: ip.addrDel(i.cidr, i.dev) };
    case 'route':
      return { tool: 'ip', line: (i.mode === 'replace' ? ip.routeReplace : ip.routeAdd)(i.dst, i.via, i.dev, i.onlink ?? false) };
    case 'neighbour':
      return { tool: 'ip', line: ip.neighPermanent(i.ip, i.mac, i.dev) };
    case 'neighbour-removed':
      return { tool: 'ip', line: ip.neighDel(i.ip, i.dev) };
    case 'fdb-vtep':
      return { tool: 'bridge', line: bridge.fdbVtep(i.mac, i.dev, i.dst) };
    case 'fdb-flood':
      return { tool: 'bridge', line: bridge.fdbFlood(i.dev, i.dst) };
    case 'fdb-static':
      return { tool: 'bridge', line: bridge.fdbStatic(i.mac, i.port) };
    case 'fdb-removed':
      return { tool: 'bridge', line: bridge.fdbDel(i.mac, i.dev, i.dst) };
    case 'sysctl':
      return { tool: 'sysctl', settings: i.settings };
    case 'nft-ruleset':
      return { tool: 'nft', ruleset: i.ruleset };
    default:
      return unknownKind(i);
  }
}

function unknownKind(i: never): never {
  throw new Error(`no Linux rendering for intent ${JSON.stringify(i)}`);
}

/**
 * A host's intent as the provider's bulk actions, in order. A run of ip (or bridge) intents is
 * one action, a run of sysctls one action with their settings in order, each ruleset its own
 * action (one file, one transaction). The executor runs the actions of one host one after
 * another, so a bridge line after an ip line still finds the device that line created.
 */
export function renderIntent(host: string, intent: readonly LinuxIntent[]): BulkAction[] {
  const out: BulkAction[] = [];
  for (const i of intent) {
    const r = renderOne(i);
    const last = out[out.length - 1];
    switch (r.tool) {
      case 'ip':
      case 'bridge':
        if (last?.type === r.tool) last.lines.push(r.line);
        else out.push({ type: r.tool, host, lines: [r.line] });
        break;
      case 'sysctl':
        if (last?.type === 'sysctl') Object.assign(last.settings, r.settings);
        else out.push({ type: 'sysctl', host, settings: { ...r.settings } });
        break;
      case 'nft':
        out.push({ type: 'nft', host, ruleset: r.ruleset });
        break;
    }
  }
  return out;
}
