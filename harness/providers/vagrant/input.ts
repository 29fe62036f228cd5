// From the plan to what the Vagrantfile says (pure): which hosts are machines, each machine's
// segments with its planned address (the switch host's links), the run's network names.
import { HarnessError } from '../../core/errors.js';
import * as ipv4 from '../../core/ipv4.js';
import type { HostDecl, LinkDecl, SegmentDecl } from '../../plan/types.js';
import { IMAGE_OF } from '../docker/containers.js';
import type { ImageName } from '../docker/images.js';
import type { VagrantAttachment, VagrantfileInput, VagrantMachine } from './vagrantfile.js';

export interface InputOptions {
  runId: string;
  scenario: string;
  /** The sshd image of each overlab image (images.ts). */
  images: Record<ImageName, string>;
  privateKey: string;
  authorizedKeys: string;
  labels: Record<string, string>;
  box: string;
  /** What a host binds from this machine (`<path here>:<path there>`). */
  binds: (h: HostDecl) => string[];
}

export const segmentsOf = (hosts: readonly HostDecl[]): Map<string, SegmentDecl> =>
  new Map(hosts.flatMap((h) => (h.segments ?? []).map((s) => [s.id, s] as const)));

export function vagrantfileInput(hosts: readonly HostDecl[], links: readonly LinkDecl[], o: InputOptions): VagrantfileInput {
  const segments = segmentsOf(hosts);
  const switches = new Set(hosts.filter((h) => h.kind === 'switch').map((h) => h.id));
  const attachments = new Map<string, VagrantAttachment[]>();
  for (const l of links) {
    if (!switches.has(l.a.host) || !l.b.ip || !l.segment) continue;
    const seg = segments.get(l.segment);
    if (!seg) throw new HarnessError(`no segment "${l.segment}" on the switch host`);
    attachments.set(l.b.host, [...(attachments.get(l.b.host) ?? []), { segment: l.segment, ifname: l.b.ifname, ip: l.b.ip, prefixLength: ipv4.parsePrefix(seg.cidr).length }]);
  }
  const machines: VagrantMachine[] = hosts
    .filter((h) => h.kind !== 'switch' && h.kind !== 'pod')
    .map((h) => {
      const image = IMAGE_OF[h.kind];
      if (!image) throw new HarnessError(`the vagrant provider has no image for a host of kind ${h.kind} (${h.id})`);
      return { name: h.id, image: o.images[image], attachments: attachments.get(h.id) ?? [], binds: o.binds(h) };
    });
  return {
    runId: o.runId,
    scenario: o.scenario,
    machines,
    networks: Object.fromEntries([...segments.keys()].map((s) => [s, `ol-${o.runId}.${s}`])),
    sshNetwork: `ol-${o.runId}.ssh`,
    privateKey: o.privateKey,
    authorizedKeys: o.authorizedKeys,
    labels: o.labels,
    box: o.box,
  };
}
