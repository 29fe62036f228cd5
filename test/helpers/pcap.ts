// Tiny underlay captures written byte by byte (classic pcap, little-endian, microseconds), and
// the PcapEvidence the harness reads from them (harness/probes/pcap-evidence.ts's readCaptures):
// pcap assertions are tested on what the reader and decoder make of real bytes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptures, type PcapEvidence } from '../../harness/probes/pcap-evidence.js';
import { EvidenceStore } from '../../harness/probes/evidence.js';
import { SCENARIOS_DIR } from '../../harness/core/paths.js';
import { loadScenarioFile } from '../../harness/spec/load.js';
import { resolveTopology, type Topology } from '../../harness/spec/topology.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const ip4 = (s: string): Buffer => Buffer.from(s.split('.').map(Number));
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 255, n & 255]);

export function eth(dst: string, src: string, etherType: number, payload: Buffer): Buffer {
  return Buffer.concat([hex(dst), hex(src), u16(etherType), payload]);
}

export interface Ipv4 {
  src: string;
  dst: string;
  proto: number;
  payload: Buffer;
  /** More fragments follow (an outer fragment). */
  mf?: boolean;
}

export function ipv4(o: Ipv4): Buffer {
  return Buffer.concat([Buffer.from([0x45, 0]), u16(20 + o.payload.length), u16(0x1234), u16(o.mf ? 0x2000 : 0x4000), Buffer.from([64, o.proto]), u16(0), ip4(o.src), ip4(o.dst), o.payload]);
}

export const udp = (sport: number, dport: number, payload: Buffer): Buffer => Buffer.concat([u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload]);

export const arpRequest = (senderMac: string, senderIp: string, targetIp: string): Buffer =>
  eth('ff:ff:ff:ff:ff:ff', senderMac, 0x0806, Buffer.concat([u16(1), u16(0x0800), Buffer.from([6, 4]), u16(1), hex(senderMac), ip4(senderIp), hex('00:00:00:00:00:00'), ip4(targetIp)]));

/** An inner Ethernet frame carrying UDP whose IPv4 packet is `ipTotal` bytes long. */
export function innerUdp(o: { srcMac: string; dstMac: string; src: string; dst: string; dport: number; ipTotal?: number }): Buffer {
  const payload = Buffer.alloc(Math.max(0, (o.ipTotal ?? 60) - 28));
  return eth(o.dstMac, o.srcMac, 0x0800, ipv4({ src: o.src, dst: o.dst, proto: 17, payload: udp(40001, o.dport, payload) }));
}

/** An underlay frame: `inner` in VXLAN from VTEP `src` to `dst`. */
export function vxlanFrame(src: string, dst: string, vni: number, inner: Buffer, opts: { port?: number; mf?: boolean } = {}): Buffer {
  const header = Buffer.from([0x08, 0, 0, 0, (vni >> 16) & 255, (vni >> 8) & 255, vni & 255, 0]);
  const ip = ipv4({ src, dst, proto: 17, payload: udp(51234, opts.port ?? 8472, Buffer.concat([header, inner])), mf: opts.mf ?? false });
  return eth('02:01:0a:a9:48:80', '02:01:0a:a9:48:7f', 0x0800, ip);
}

/** A classic pcap file (little-endian, microseconds, Ethernet) of frames captured at `atMs`. */
export function pcapFile(frames: readonly { atMs: number; frame: Buffer }[]): Buffer {
  const w32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return b;
  };
  const w16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n);
    return b;
  };
  const parts: Buffer[] = [w32(0xa1b2c3d4), w16(2), w16(4), w32(0), w32(0), w32(65535), w32(1)];
  for (const { atMs, frame } of frames) parts.push(w32(Math.floor(atMs / 1000)), w32(Math.round((atMs % 1000) * 1000)), w32(frame.length), w32(frame.length), frame);
  return Buffer.concat(parts);
}

export interface Capture {
  node: string;
  interface?: string;
  frames: { atMs: number; frame: Buffer }[];
}

/**
 * Writes each capture as `<node>-<if>.pcap` in a fresh run directory and reads them back as the
 * harness does. Returns the evidence and a clean-up for the directory.
 */
export async function captureEvidence(captures: readonly Capture[], vxlanPorts: number[], vip?: { podIps: string[]; udpPort: number }): Promise<{ pcaps: PcapEvidence[]; cleanup: () => void }> {
  const runDir = mkdtempSync(join(tmpdir(), 'overlab-pcap-test-'));
  mkdirSync(join(runDir, 'pcap'));
  const artifacts = captures.map((c) => {
    const ifname = c.interface ?? 'eth0';
    const path = join('pcap', `${c.node}-${ifname}.pcap`);
    writeFileSync(join(runDir, path), pcapFile(c.frames));
    return { node: c.node, interface: ifname, path, packets: c.frames.length };
  });
  const pcaps = await readCaptures(runDir, artifacts, new EvidenceStore(runDir), vxlanPorts, vip);
  return { pcaps, cleanup: () => rmSync(runDir, { recursive: true, force: true }) };
}

/** A scenario's resolved topology (scenarios/<name>.yaml): addresses, MACs, VNIs as a run has them. */
export function scenarioTopology(name: string): Topology {
  return resolveTopology(loadScenarioFile(join(SCENARIOS_DIR, `${name}.yaml`)));
}
