// A summary of an underlay capture (issue 4): packets and bytes, VXLAN flows per VTEP pair (outer
// source -> destination), VNIs, inner protocols, ARP on the underlay and inside the overlay,
// outer IPv4 fragments. `overlab pcap` prints it; pcap assertions and the report read it.
//
// Definitions:
//   bytes                 original (on-the-wire) frame lengths, outer headers included
//   VXLAN packet          a UDP datagram to one of the VXLAN ports with a whole 8-byte VXLAN
//                         header; a first IPv4 fragment counts, a later fragment (no UDP
//                         header) does not and lands in nonVxlanPackets
//   flow bytes            the original frame lengths of the flow's VXLAN packets
//   maxOuterIpTotalLength the outer IPv4 total length field (IPv6: payload length + 40)
//   maxInnerFrameLength   the inner Ethernet frame per the UDP length (UDP length - 16), so a
//                         frame cut by the snap length still counts at its real size
//   innerProtocols        per VXLAN packet: arp, icmp (ICMP or ICMPv6), udp, tcp, else other
//                         (including inner IP fragments after the first)
import { forEachPacket, forEachPacketInBuffer, linkTypeName, type CaptureInterface, type PcapPacket, type ReadOptions, type ReadResult } from './reader.js';
import { ipDstString, ipSrcString, ipv4String, macAt, PacketDecoder, type ArpHeader, type DecodedPacket, type DecoderOptions } from './decode.js';
import { tableLines } from '../core/table.js';

export interface ArpSender {
  ip: string;
  /** Sender MACs seen with this IP (more than one is worth a look). */
  macs: string[];
  requests: number;
  replies: number;
  /** Requests per sender MAC: a request counts for the MAC that sent it, not for every MAC the IP was seen with. */
  requestsByMac: Record<string, number>;
}

export interface ArpCounts {
  packets: number;
  requests: number;
  replies: number;
  /** Other opcodes (RARP, InARP, ...). */
  other: number;
  senders: ArpSender[];
}

export interface VxlanFlow {
  /** Outer source and destination: the VTEP pair. */
  src: string;
  dst: string;
  packets: number;
  bytes: number;
  vnis: number[];
  dstPorts: number[];
  maxOuterIpTotalLength: number;
  maxInnerFrameLength: number;
  /** First fragments of outer IPv4 datagrams among the flow's packets. */
  outerFragments: number;
}

export interface PcapSummary {
  file: string;
  format: 'pcap' | 'pcapng';
  byteOrder: 'little' | 'big';
  interfaces: (CaptureInterface & { linkTypeName: string })[];
  packets: number;
  /** Original (on-the-wire) bytes. */
  bytes: number;
  capturedBytes: number;
  /** Packets the snap length cut short (captured length < original length). */
  truncatedPackets: number;
  /** First and last timestamps, ms since the epoch (with sub-ms fraction); absent without packets. */
  firstMs?: number;
  lastMs?: number;
  durationMs: number;
  vxlanPorts: number[];
  vxlanPackets: number;
  vxlanBytes: number;
  nonVxlanPackets: number;
  /** Every VNI seen, with its VXLAN packet count, ascending. */
  vnis: { vni: number; packets: number }[];
  /** Per VTEP pair, most packets first. */
  flows: VxlanFlow[];
  maxOuterIpTotalLength: number;
  maxInnerFrameLength: number;
  innerProtocols: { arp: number; icmp: number; udp: number; tcp: number; other: number };
  arp: { outer: ArpCounts; inner: ArpCounts };
  /** Outer IPv4 packets with MF set or a non-zero fragment offset. */
  outerIpv4Fragments: number;
  /** Packets whose headers stopped before they were whole (see `examples`), and on unknown link types. */
  shortFrames: number;
  unsupportedLinkPackets: number;
  /** The first few decode problems: "packet 12 (byte 4242): frame ends ...". */
  examples: string[];
  /** From the reader (e.g. an allowed truncated tail). */
  warnings: string[];
}

export type SummaryOptions = DecoderOptions & ReadOptions;

class FlowAcc {
  packets = 0;
  bytes = 0;
  readonly vnis = new Set<number>();
  lastVni = -1;
  readonly ports = new Set<number>();
  lastPort = -1;
  maxIp = 0;
  maxInner = 0;
  fragments = 0;
  constructor(
    readonly src: string,
    readonly dst: string,
  ) {}
}

class ArpAcc {
  packets = 0;
  requests = 0;
  replies = 0;
  other = 0;
  readonly senders = new Map<number, ArpSender>();

  add(d: DecodedPacket, arp: ArpHeader): void {
    this.packets++;
    let s = this.senders.get(arp.senderIp);
    if (s === undefined) {
      s = { ip: ipv4String(arp.senderIp), macs: [], requests: 0, replies: 0, requestsByMac: {} };
      this.senders.set(arp.senderIp, s);
    }
    const mac = macAt(d.buf, arp.senderMacOff);
    if (!s.macs.includes(mac)) s.macs.push(mac);
    if (arp.op === 1) {
      this.requests++;
      s.requests++;
      s.requestsByMac[mac] = (s.requestsByMac[mac] ?? 0) + 1;
    } else if (arp.op === 2) {
      this.replies++;
      s.replies++;
    } else this.other++;
  }

  result(): ArpCounts {
    const senders = [...this.senders.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
    return { packets: this.packets, requests: this.requests, replies: this.replies, other: this.other, senders };
  }
}

const MAX_EXAMPLES = 10;

/** Accumulates a summary packet by packet. Allocates only for new flows, VNIs and ARP senders. */
export class PcapSummarizer {
  readonly decoder: PacketDecoder;
  private packets = 0;
  private bytes = 0;
  private captured = 0;
  private truncated = 0;
  private firstSec = -1;
  private firstNsec = 0;
  private lastSec = -1;
  private lastNsec = 0;
  private vxlanPackets = 0;
  private vxlanBytes = 0;
  private nonVxlan = 0;
  private fragments = 0;
  private shortFrames = 0;
  private unsupported = 0;
  private maxIp = 0;
  private maxInner = 0;
  private readonly examples: string[] = [];
  private readonly flows4 = new Map<number, Map<number, FlowAcc>>();
  private readonly flows6 = new Map<string, FlowAcc>();
  private lastSrc = -1;
  private lastDst = -1;
  private lastFlow: FlowAcc | undefined;
  private readonly vniCounts = new Map<number, { packets: number }>();
  private lastVni = -1;
  private lastVniCount: { packets: number } = { packets: 0 };
  private arpIn = 0;
  private icmpIn = 0;
  private udpIn = 0;
  private tcpIn = 0;
  private otherIn = 0;
  private readonly outerArp = new ArpAcc();
  private readonly innerArp = new ArpAcc();

  constructor(options: DecoderOptions = {}) {
    this.decoder = new PacketDecoder(options);
  }

  add(p: PcapPacket): void {
    const d = this.decoder.decode(p.buffer, p.dataOffset, p.caplen, p.linkType);
    this.packets++;
    this.bytes += p.origlen;
    this.captured += p.caplen;
    if (p.caplen < p.origlen) this.truncated++;
    const sec = p.tsSec;
    const nsec = p.tsNsec;
    if (this.firstSec < 0 || sec < this.firstSec || (sec === this.firstSec && nsec < this.firstNsec)) {
      this.firstSec = sec;
      this.firstNsec = nsec;
    }
    if (sec > this.lastSec || (sec === this.lastSec && nsec > this.lastNsec)) {
      this.lastSec = sec;
      this.lastNsec = nsec;
    }
    if (d.unsupportedLink) {
      this.unsupported++;
      this.nonVxlan++;
      return;
    }
    if (d.short !== '') this.noteShort(p, d);
    const outer = d.outer;
    if (outer.arp.present) this.outerArp.add(d, outer.arp);
    const ip = outer.ip;
    if (ip.present && ip.fragment && ip.version === 4) this.fragments++;
    if (!d.vxlan.present) {
      this.nonVxlan++;
      return;
    }
    this.vxlanPackets++;
    this.vxlanBytes += p.origlen;
    let flow: FlowAcc | undefined;
    if (ip.version === 4) {
      if (ip.src === this.lastSrc && ip.dst === this.lastDst) flow = this.lastFlow;
      if (flow === undefined) {
        let bySrc = this.flows4.get(ip.src);
        if (bySrc === undefined) this.flows4.set(ip.src, (bySrc = new Map()));
        flow = bySrc.get(ip.dst);
        if (flow === undefined) bySrc.set(ip.dst, (flow = new FlowAcc(ipv4String(ip.src), ipv4String(ip.dst))));
        this.lastSrc = ip.src;
        this.lastDst = ip.dst;
        this.lastFlow = flow;
      }
    } else {
      const src = ipSrcString(d, ip);
      const dst = ipDstString(d, ip);
      const key = `${src} ${dst}`;
      flow = this.flows6.get(key);
      if (flow === undefined) this.flows6.set(key, (flow = new FlowAcc(src, dst)));
    }
    flow.packets++;
    flow.bytes += p.origlen;
    const vni = d.vxlan.vni;
    if (vni !== flow.lastVni) {
      flow.vnis.add(vni);
      flow.lastVni = vni;
    }
    const port = outer.udp.dstPort;
    if (port !== flow.lastPort) {
      flow.ports.add(port);
      flow.lastPort = port;
    }
    if (ip.totalLength > flow.maxIp) {
      flow.maxIp = ip.totalLength;
      if (ip.totalLength > this.maxIp) this.maxIp = ip.totalLength;
    }
    if (d.innerFrameLength > flow.maxInner) {
      flow.maxInner = d.innerFrameLength;
      if (d.innerFrameLength > this.maxInner) this.maxInner = d.innerFrameLength;
    }
    if (ip.fragment) flow.fragments++;
    if (vni !== this.lastVni) {
      let c = this.vniCounts.get(vni);
      if (c === undefined) this.vniCounts.set(vni, (c = { packets: 0 }));
      this.lastVni = vni;
      this.lastVniCount = c;
    }
    this.lastVniCount.packets++;
    const inner = d.inner;
    if (inner.arp.present) {
      this.arpIn++;
      this.innerArp.add(d, inner.arp);
    } else if (inner.udp.present) this.udpIn++;
    else if (inner.tcp.present) this.tcpIn++;
    else if (inner.icmp.present) this.icmpIn++;
    else this.otherIn++;
  }

  private noteShort(p: PcapPacket, d: DecodedPacket): void {
    this.shortFrames++;
    if (this.examples.length < MAX_EXAMPLES) {
      this.examples.push(`packet ${p.index + 1} (byte ${p.offset}): ${d.describeShort()}${p.caplen < p.origlen ? ` (snap length: ${p.caplen} of ${p.origlen} bytes captured)` : ''}`);
    }
  }

  result(read: ReadResult, file: string): PcapSummary {
    const flows = [...[...this.flows4.values()].flatMap((m) => [...m.values()]), ...this.flows6.values()]
      .map(
        (f): VxlanFlow => ({
          src: f.src,
          dst: f.dst,
          packets: f.packets,
          bytes: f.bytes,
          vnis: [...f.vnis].sort((a, b) => a - b),
          dstPorts: [...f.ports].sort((a, b) => a - b),
          maxOuterIpTotalLength: f.maxIp,
          maxInnerFrameLength: f.maxInner,
          outerFragments: f.fragments,
        }),
      )
      .sort((a, b) => b.packets - a.packets || a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst));
    const firstMs = this.firstSec < 0 ? undefined : this.firstSec * 1000 + this.firstNsec / 1e6;
    const lastMs = this.lastSec < 0 ? undefined : this.lastSec * 1000 + this.lastNsec / 1e6;
    return {
      file,
      format: read.format,
      byteOrder: read.byteOrder,
      interfaces: read.interfaces.map((i) => ({ ...i, linkTypeName: linkTypeName(i.linkType) })),
      packets: this.packets,
      bytes: this.bytes,
      capturedBytes: this.captured,
      truncatedPackets: this.truncated,
      ...(firstMs !== undefined ? { firstMs } : {}),
      ...(lastMs !== undefined ? { lastMs } : {}),
      durationMs: firstMs !== undefined && lastMs !== undefined ? lastMs - firstMs : 0,
      vxlanPorts: [...this.decoder.vxlanPorts],
      vxlanPackets: this.vxlanPackets,
      vxlanBytes: this.vxlanBytes,
      nonVxlanPackets: this.nonVxlan,
      vnis: [...this.vniCounts.entries()].sort((a, b) => a[0] - b[0]).map(([vni, c]) => ({ vni, packets: c.packets })),
      flows,
      maxOuterIpTotalLength: this.maxIp,
      maxInnerFrameLength: this.maxInner,
      innerProtocols: { arp: this.arpIn, icmp: this.icmpIn, udp: this.udpIn, tcp: this.tcpIn, other: this.otherIn },
      arp: { outer: this.outerArp.result(), inner: this.innerArp.result() },
      outerIpv4Fragments: this.fragments,
      shortFrames: this.shortFrames,
      unsupportedLinkPackets: this.unsupported,
      examples: [...this.examples],
      warnings: [...read.warnings],
    };
  }
}

/** Reads, decodes and summarises a capture file in one streaming pass. */
export async function summarizePcap(file: string, options: SummaryOptions = {}): Promise<PcapSummary> {
  const s = new PcapSummarizer(options);
  const read = await forEachPacket(file, (p) => s.add(p), options);
  return s.result(read, options.name ?? file);
}

/** The same over a capture in memory. */
export function summarizePcapBuffer(data: Uint8Array, options: Omit<SummaryOptions, 'chunkSize' | 'signal'> = {}): PcapSummary {
  const s = new PcapSummarizer(options);
  const read = forEachPacketInBuffer(data, (p) => s.add(p), options);
  return s.result(read, options.name ?? '(buffer)');
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * A count with thousands separators, as toLocaleString('en-US') writes it, without Intl: its
 * first call loads ICU's locale data, ~20 ms of a command timed against tcpdump as a process.
 */
const n = (x: number): string => (Number.isSafeInteger(x) ? String(x).replace(/\B(?=(\d{3})+$)/g, ',') : x.toLocaleString('en-US'));

/** A table nested under its heading, counts right-aligned. */
function table(headers: string[], rows: string[][], rightAlign: boolean[]): string[] {
  return tableLines([headers, ...rows], { align: rightAlign.map((r) => (r ? 'right' : 'left')), indent: '  ' });
}

function arpLines(title: string, a: ArpCounts): string[] {
  const out = [`${title}: ${n(a.packets)} packets, ${n(a.requests)} requests, ${n(a.replies)} replies${a.other ? `, ${n(a.other)} other` : ''}`];
  if (a.senders.length) {
    out.push(
      ...table(
        ['sender IP', 'sender MAC(s)', 'requests', 'replies'],
        a.senders.map((s) => [s.ip, s.macs.join(' '), n(s.requests), n(s.replies)]),
        [false, false, true, true],
      ),
    );
  }
  return out;
}

/** The summary as a readable report (what `overlab pcap` prints). */
export function formatSummary(s: PcapSummary): string {
  const lines: string[] = [];
  const ifaces = s.interfaces.map((i) => `${i.linkTypeName}, ${i.tsResolution}${i.snaplen ? `, snaplen ${i.snaplen}` : ''}${i.name ? `, ${i.name}` : ''}`);
  lines.push(`file        ${s.file} (${s.format}, ${s.byteOrder}-endian; ${ifaces.length ? [...new Set(ifaces)].join('; ') : 'no interfaces'})`);
  lines.push(
    `packets     ${n(s.packets)} (${n(s.bytes)} bytes on the wire, ${n(s.capturedBytes)} captured${s.truncatedPackets ? `; ${n(s.truncatedPackets)} cut by the snap length` : ''})`,
  );
  if (s.firstMs !== undefined && s.lastMs !== undefined) {
    lines.push(`time        ${new Date(s.firstMs).toISOString()} .. ${new Date(s.lastMs).toISOString()} (${(s.durationMs / 1000).toFixed(3)} s)`);
  }
  lines.push(
    `vxlan       ${n(s.vxlanPackets)} packets (${n(s.vxlanBytes)} bytes) to UDP port${s.vxlanPorts.length === 1 ? '' : 's'} ${s.vxlanPorts.join(', ')}; ${n(s.nonVxlanPackets)} other packets`,
  );
  lines.push(`VNIs        ${s.vnis.length ? s.vnis.map((v) => `${v.vni} (${n(v.packets)})`).join(', ') : 'none'}`);
  lines.push(`largest     outer IP total length ${s.maxOuterIpTotalLength}, inner frame ${s.maxInnerFrameLength}`);
  lines.push(`fragments   ${n(s.outerIpv4Fragments)} outer IPv4 fragments`);
  const ip = s.innerProtocols;
  lines.push(`inner       arp ${n(ip.arp)}, icmp ${n(ip.icmp)}, udp ${n(ip.udp)}, tcp ${n(ip.tcp)}, other ${n(ip.other)}`);
  lines.push('');
  if (s.flows.length) {
    lines.push('VXLAN flows per VTEP pair (outer source -> destination):');
    lines.push(
      ...table(
        ['source', 'destination', 'packets', 'bytes', 'VNIs', 'dst ports', 'max outer IP len', 'max inner frame', 'fragments'],
        s.flows.map((f) => [f.src, f.dst, n(f.packets), n(f.bytes), f.vnis.join(','), f.dstPorts.join(','), String(f.maxOuterIpTotalLength), String(f.maxInnerFrameLength), n(f.outerFragments)]),
        [false, false, true, true, false, false, true, true, true],
      ),
    );
  } else {
    lines.push('VXLAN flows: none');
  }
  lines.push('');
  lines.push(...arpLines('ARP on the underlay', s.arp.outer));
  lines.push(...arpLines('ARP inside VXLAN', s.arp.inner));
  if (s.shortFrames || s.unsupportedLinkPackets) {
    lines.push('');
    lines.push(`decode      ${n(s.shortFrames)} frames stopped early${s.unsupportedLinkPackets ? `, ${n(s.unsupportedLinkPackets)} on link types not decoded` : ''}`);
    for (const e of s.examples) lines.push(`  ${e}`);
  }
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
