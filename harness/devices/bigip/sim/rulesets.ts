// The stand-in's two nftables tables, rendered from plain rules so that both ways of configuring
// a stand-in unit share them: sim (from the scenario's BIG-IP spec, config.ts) and the tmsh face
// (from the objects a tmsh transaction created, tmsh-face/traffic-group.ts). Pure.

/** traffic-group-1's virtual servers and SNAT: loaded on the unit that is active for it, only. */
export const TG_TABLE = 'overlab_tg1';
/** Always loaded while the unit has virtual servers: it never forwards for a virtual address it does not hold. */
export const BASE_TABLE = 'overlab_unit';

/** A virtual server's translation: traffic to destination:port (protocol) goes to a pool member, round robin. */
export interface DnatRule {
  destination: string;
  protocol: 'tcp' | 'udp';
  port: number;
  /** The pool members' addresses (the destination port is kept). */
  members: readonly string[];
}

/** SNAT automap: translated flows leaving by `oifname` take the source `to`. */
export interface SnatRule {
  oifname: string;
  to: string;
  /** nftables words that narrow the rule to some flows (e.g. one virtual server's), before `snat`. */
  match?: string;
}

/** The traffic-group table: DNAT in prerouting, SNAT automap in postrouting. */
export function trafficGroupTable(dnat: readonly DnatRule[], snat: readonly SnatRule[]): string {
  const out = [`table ip ${TG_TABLE} {`, `  chain prerouting {`, `    type nat hook prerouting priority dstnat; policy accept;`];
  for (const r of dnat) {
    const map = r.members.map((m, i) => `${i} : ${m}`).join(', ');
    const target = r.members.length === 1 ? r.members[0]! : `numgen inc mod ${r.members.length} map { ${map} }`;
    out.push(`    ip daddr ${r.destination} ${r.protocol} dport ${r.port} dnat to ${target}`);
  }
  out.push(`  }`, `  chain postrouting {`, `    type nat hook postrouting priority srcnat; policy accept;`);
  for (const s of snat) out.push(`    oifname "${s.oifname}" ct status dnat ${s.match ? `${s.match} ` : ''}snat to ${s.to}`);
  out.push(`  }`, `}`);
  return out.join('\n') + '\n';
}

/** The base table: traffic addressed to a virtual address is dropped unless traffic-group-1's DNAT took it. */
export function virtualAddressFilter(vips: readonly string[]): string {
  return [
    `table ip ${BASE_TABLE} {`,
    `  chain forward {`,
    `    type filter hook forward priority filter; policy accept;`,
    `    ip daddr { ${vips.join(', ')} } drop`,
    `  }`,
    `}`,
  ].join('\n') + '\n';
}
