import type { PingResult } from '../probes/ping.js';
import { listSome, result, type AssertionResult } from './types.js';

export interface ExpectedMtu {
  host: string;
  ifname: string;
  mtu: number;
}

/** A host's links as some source reports them (a kernel snapshot, or a unit's VLANs and tunnels). */
export interface LinkMtus {
  host: string;
  links: readonly { name: string; mtu: number }[];
}

/** Each named link exists with the MTU the scenario specifies. */
export function assertLinkMtus(expected: readonly ExpectedMtu[], snapshots: readonly LinkMtus[], evidence: string[]): AssertionResult {
  const wrong: string[] = [];
  for (const e of expected) {
    const link = snapshots.find((s) => s.host === e.host)?.links.find((l) => l.name === e.ifname);
    if (!link) wrong.push(`${e.host}/${e.ifname} missing`);
    else if (link.mtu !== e.mtu) wrong.push(`${e.host}/${e.ifname} mtu ${link.mtu} (want ${e.mtu})`);
  }
  return result('mtu', 'link MTUs as specified', expected.length > 0 && wrong.length === 0, `${expected.length} links with their MTU`, wrong.length === 0 ? `${expected.length} links match` : listSome(wrong), evidence);
}

/** The largest DF ping that fits crosses; one byte more does not. */
export function assertPathMtu(id: string, title: string, fits: PingResult, tooBig: PingResult, evidence: string[]): AssertionResult {
  const ok = fits.ok && !tooBig.ok;
  return result(
    id,
    title,
    ok,
    `DF ${fits.size} B payload crosses, ${tooBig.size} B fails`,
    `${fits.size} B: ${fits.ok ? 'reply' : fits.detail}; ${tooBig.size} B: ${tooBig.ok ? 'reply (should have failed)' : tooBig.detail}`,
    evidence,
  );
}
