// Which planned host is where. createHosts learns each host's kind and parent; from then on a
// host lives in a container (node, unit, client), in a network namespace inside its node's
// container (pod), or nowhere (the switch host: its segments are Docker networks).
import type { HostDecl, HostKind } from '../../plan/types.js';
import type { ProviderContext } from '../types.js';
import { placeOf, type HostPlace } from './names.js';

export class Hosts {
  private readonly parents = new Map<string, string>();
  private readonly kinds = new Map<string, HostKind>();

  constructor(private readonly ctx: ProviderContext) {}

  learn(hosts: readonly HostDecl[]): void {
    for (const h of hosts) {
      this.kinds.set(h.id, h.kind);
      if (h.parent) this.parents.set(h.id, h.parent);
    }
  }

  parentOf(hostId: string): string | undefined {
    return this.parents.get(hostId);
  }

  place(hostId: string): HostPlace | undefined {
    if (this.kinds.get(hostId) === 'switch') return undefined;
    return placeOf(this.ctx.runId, hostId, this.parents.get(hostId));
  }

  isSwitch(hostId: string): boolean {
    return this.kinds.get(hostId) === 'switch' || this.place(hostId) === undefined;
  }
}
