// Reads the run's captures once: a summary per pcap (written as evidence/pcap-<host>-<if>.json)
// and the VIP traffic each node saw arriving over VXLAN, for the failover checks.
import { join } from 'node:path';
import { forEachPacket } from '../pcap/reader.js';
import { DEFAULT_VXLAN_PORTS, decodePacket } from '../pcap/decode.js';
import { summarizePcap, type PcapSummary } from '../pcap/summary.js';
import type { PcapArtifact } from '../report/types.js';
import type { EvidenceStore } from './evidence.js';

export interface VipPacket {
  /** Capture time, ms since the epoch. */
  atMs: number;
  outerSrc: string;
  innerSrcMac: string;
  innerDst: string;
}

export interface PcapEvidence {
  artifact: PcapArtifact;
  summary: PcapSummary;
  evidencePath: string;
  /** VXLAN packets toward a pool member's UDP port (the client's probes after DNAT/SNAT). */
  vipPackets: VipPacket[];
}

/**
 * The UDP ports captures are decoded as VXLAN on: the scenario's own, and the well-known ones
 * (8472, 4789), so that VXLAN on a port the scenario does not use is seen, and can fail a check.
 */
export function vxlanDecodePorts(scenarioPorts: readonly number[]): number[] {
  return [...new Set([...scenarioPorts, ...DEFAULT_VXLAN_PORTS])];
}

export async function readCaptures(runDir: string, pcaps: readonly PcapArtifact[], store: EvidenceStore, vxlanPorts: number[], vip?: { podIps: string[]; udpPort: number }): Promise<PcapEvidence[]> {
  return Promise.all(
    pcaps.map(async (artifact) => {
      const file = join(runDir, artifact.path);
      const summary = await summarizePcap(file, { vxlanPorts });
      const ev = store.write('pcap', `pcap-${artifact.node}-${artifact.interface}`, summary);
      const vipPackets: VipPacket[] = [];
      if (vip) {
        const pods = new Set(vip.podIps);
        await forEachPacket(file, (p) => {
          const d = decodePacket(p.data, p.linkType, { vxlanPorts });
          const inner = d.inner;
          if (!d.vxlan || !inner?.ip || !inner.udp || !inner.eth || !d.outer.ip) return;
          if (!pods.has(inner.ip.dst) || inner.udp.dstPort !== vip.udpPort) return;
          vipPackets.push({ atMs: p.timestampMs, outerSrc: d.outer.ip.src, innerSrcMac: inner.eth.src, innerDst: inner.ip.dst });
        });
      }
      return { artifact, summary, evidencePath: ev.path, vipPackets };
    }),
  );
}
