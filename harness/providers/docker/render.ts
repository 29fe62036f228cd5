// `overlab plan --provider docker`: the docker commands each plan action amounts to, as argv
// (no daemon needed). What the docker provider does not run is shown behind `:`.
import { ip } from '../../devices/linux/commands.js';
import type { HostAction } from '../../plan/types.js';
import { CAPS, IMAGE_OF } from './containers.js';
import type { Hosts } from './hosts.js';
import { containerName, networkName, placeOf } from './names.js';
import type { Segments } from './segments.js';
import { inHost } from './transport.js';

export function renderAction(action: HostAction, run: string, hosts: Hosts, segments: Segments): string[][] {
  const command = (host: string, argv: string[], stdin = false): string[] => {
    const place = hosts.place(host);
    // `:` (the shell's no-op) marks what the docker provider does not run: the switch's bridges and ports are its networks.
    if (!place) return [':', 'not', 'run,', `${host}`, 'is', 'Docker', 'networks:', ...argv];
    return ['docker', 'exec', ...(stdin ? ['-i'] : []), place.container, ...inHost(place, argv)];
  };
  switch (action.type) {
    case 'create-hosts':
      segments.learn(action.hosts);
      return action.hosts.flatMap((h): string[][] => {
        if (h.kind === 'switch') return (h.segments ?? []).map((s) => [':', `${h.id}:`, 'segment', s.id, s.cidr, 'becomes', 'docker', 'network', networkName(run, s.id), 'when', 'wired']);
        const place = placeOf(run, h.id, h.parent);
        if (!place) return [];
        if (place.netns) return [['docker', 'exec', place.container, 'ip', 'netns', 'add', place.netns]];
        const image = IMAGE_OF[h.kind] ?? h.kind;
        return [['docker', 'run', '-d', '--name', place.container, '--network', 'none', ...CAPS.flatMap((c) => ['--cap-add', c]), '--security-opt', 'systempaths=unconfined', '--label', `overlab.run=${run}`, `overlab/${image}:HASH`]];
      });
    case 'wire':
      return action.links.flatMap((l): string[][] => {
        if (l.segment !== undefined && placeOf(run, l.a.host, undefined) === undefined) {
          const net = networkName(run, l.segment);
          const first = action.links.findIndex((x) => x.segment === l.segment) === action.links.indexOf(l);
          const create = first ? [['docker', 'network', 'create', '--internal', '--subnet', segments.cidrOf(l.segment) ?? 'CIDR', '-o', 'com.docker.network.bridge.inhibit_ipv4=true', '--label', `overlab.run=${run}`, net]] : [];
          return [...create, ['docker', 'network', 'connect', ...(l.b.ip ? ['--ip', l.b.ip] : []), net, containerName(run, l.b.host)], command(l.b.host, ['ip', 'link', 'set', 'dev', 'ethN', 'name', l.b.ifname, 'address', l.b.mac, 'mtu', String(l.b.mtu)])];
        }
        const a = placeOf(run, l.a.host, hosts.parentOf(l.a.host));
        const b = placeOf(run, l.b.host, hosts.parentOf(l.b.host));
        return [['docker', 'exec', a?.container ?? '?', 'ip', ...ip.addVethPair({ name: l.a.ifname, mac: l.a.mac, mtu: l.a.mtu, netns: a?.netns }, { name: l.b.ifname, mac: l.b.mac, mtu: l.b.mtu, netns: b?.netns })]];
      });
    case 'ip':
      return action.lines.map((l) => command(action.host, ['ip', ...l]));
    case 'bridge':
      return action.lines.map((l) => command(action.host, ['bridge', ...l]));
    case 'sysctl':
      return [command(action.host, ['sysctl', '-q', '-w', ...Object.entries(action.settings).map(([k, v]) => `${k}=${v}`)])];
    case 'nft':
      return [command(action.host, ['nft', '-f', '/dev/stdin'], true), ...action.ruleset.trimEnd().split('\n').map((l) => ['    ' + l])];
    case 'spawn':
      return [command(action.host, action.argv)];
    case 'exec':
      return action.commands.map((c) => command(action.host, c));
    case 'wait-command':
      return [command(action.host, action.argv)];
    case 'wait-ping':
      return [command(action.from, ['ping', '-c', '1', '-W', '1', action.to])];
  }
}
