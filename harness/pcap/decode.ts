// Header decoding for underlay captures (issue 4): the outer Ethernet (with 802.1Q/802.1ad tags),
// ARP, IPv4 (fragments noted) or IPv6, ICMP, UDP, TCP; VXLAN on the configured UDP destination
// ports; and the same again for the inner frame.
//
// Built for speed: a PacketDecoder owns one DecodedPacket and refills it for every packet, with
// numbers only (IPv4 addresses as unsigned 32-bit integers, MACs and IPv6 addresses as offsets
// into the buffer). Format with the helpers below, or call `decodePacket` for a plain object.
//
// Defensive: a frame too short for a header it announces stops decoding there and says so in
// `short` (which header, how many bytes it needed, how many there were); it never throws.
// Fields of headers after that point keep `present === false`.
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW } from './reader.js';

export const DEFAULT_VXLAN_PORTS: readonly number[] = [8472, 4789];

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

export class EthernetHeader {
  present = false;
  /** Offsets into the buffer of the 6-byte MACs (-1 for Linux cooked captures without one). */
  dstOff = -1;
  srcOff = -1;
  /** The EtherType after any VLAN tags (or the 802.3 length when below 0x0600). */
  etherType = 0;
  /** Number of 802.1Q / 802.1ad tags. */
  vlanCount = 0;
  /** VLAN id of the outermost tag, -1 if none. */
  vlanId = -1;
  /** VLAN id of the second tag (QinQ), -1 if none. */
  innerVlanId = -1;
  /** Where the payload after the header and tags starts. */
  payloadOff = 0;
}

export class ArpHeader {
  present = false;
  /** 1 request, 2 reply. */
  op = 0;
  /** Hardware and protocol types (1 and 0x0800 for Ethernet/IPv4). */
  htype = 0;
  ptype = 0;
  /** Offsets of the sender/target hardware addresses (6 bytes when Ethernet). */
  senderMacOff = 0;
  targetMacOff = 0;
  /** IPv4 addresses as unsigned 32-bit integers (0 unless ptype is IPv4 with 4-byte addresses). */
  senderIp = 0;
  targetIp = 0;
}

export class IpHeader {
  present = false;
  /** 4 or 6. */
  version = 0;
  off = 0;
  headerLength = 0;
  /** IPv4 total length; IPv6 payload length + 40. From the header, not from what was captured. */
  totalLength = 0;
  /** The upper-layer protocol (after IPv6 extension headers). */
  protocol = 0;
  ttl = 0;
  /** IPv4 addresses as unsigned 32-bit integers (0 for IPv6). */
  src = 0;
  dst = 0;
  /** Offsets of the source/destination addresses (4 or 16 bytes). */
  srcOff = 0;
  dstOff = 0;
  id = 0;
  dontFragment = false;
  moreFragments = false;
  /** Fragment offset in bytes. */
  fragmentOffset = 0;
  /** MF set or a non-zero offset (IPv4), or an IPv6 Fragment header. */
  fragment = false;
  payloadOff = 0;
  /** Payload length per the header (may exceed what was captured). */
  payloadLength = 0;
}

export class IcmpHeader {
  present = false;
  type = 0;
  code = 0;
  /** ICMPv6 rather than ICMP. */
  v6 = false;
}

export class UdpHeader {
  present = false;
  srcPort = 0;
  dstPort = 0;
  /** The UDP length field (header + payload). */
  length = 0;
  payloadOff = 0;
}

export class TcpHeader {
  present = false;
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  /** FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80. */
  flags = 0;
  headerLength = 0;
  payloadOff = 0;
}

export class VxlanHeader {
  present = false;
  off = 0;
  /** The flags byte (0x08: the I flag, VNI valid). */
  flags = 0;
  vni = 0;
}

/** One level of headers: the outer packet, or the frame inside VXLAN. */
export class Layers {
  readonly eth = new EthernetHeader();
  readonly arp = new ArpHeader();
  readonly ip = new IpHeader();
  readonly icmp = new IcmpHeader();
  readonly udp = new UdpHeader();
  readonly tcp = new TcpHeader();
  /** Where this level starts in the buffer. */
  off = 0;
  /** Bytes of this level that were captured (from `off` to the end of the captured data). */
  captured = 0;

  reset(): void {
    this.eth.present = false;
    this.arp.present = false;
    this.ip.present = false;
    this.icmp.present = false;
    this.udp.present = false;
    this.tcp.present = false;
  }
}

export class DecodedPacket {
  buf: Uint8Array = new Uint8Array(0);
  linkType = 0;
  readonly outer = new Layers();
  readonly vxlan = new VxlanHeader();
  /** The frame inside VXLAN; `inner.eth.present` is false when there is none. */
  readonly inner = new Layers();
  /** Length of the inner Ethernet frame per the UDP length field (0 without VXLAN). */
  innerFrameLength = 0;
  /** The link type is not one we decode (the packet is counted, not decoded). */
  unsupportedLink = false;
  /**
   * The header decoding stopped at because the frame ended first ('' when none): e.g.
   * 'outer ipv4'. `shortNeed` bytes were needed from `shortAt`, `shortHave` were captured.
   */
  short = '';
  shortAt = 0;
  shortNeed = 0;
  shortHave = 0;

  /** "frame ends 6 bytes into the outer ipv4 header at byte 14 of the frame (needs 20)", or '' when whole. */
  describeShort(): string {
    if (!this.short) return '';
    const at = this.shortAt - this.outer.off;
    if (this.shortHave >= this.shortNeed) return `malformed ${this.short} header at byte ${at} of the frame`;
    return `frame ends ${this.shortHave} byte${this.shortHave === 1 ? '' : 's'} into the ${this.short} header at byte ${at} of the frame (needs ${this.shortNeed})`;
  }
}

export interface DecoderOptions {
  /** UDP destination ports decoded as VXLAN (default 8472 and 4789). */
  vxlanPorts?: readonly number[];
}

export class PacketDecoder {
  private readonly ports = new Uint8Array(65536);
  readonly vxlanPorts: readonly number[];
  private readonly d = new DecodedPacket();

  constructor(options: DecoderOptions = {}) {
    this.vxlanPorts = [...(options.vxlanPorts ?? DEFAULT_VXLAN_PORTS)];
    for (const p of this.vxlanPorts) {
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new RangeError(`not a UDP port: ${p}`);
      this.ports[p] = 1;
    }
  }

  /**
   * Decodes buf[off, off + caplen) captured on `linkType`. Returns the decoder's one
   * DecodedPacket, overwritten by the next call.
   */
  decode(buf: Uint8Array, off: number, caplen: number, linkType: number): DecodedPacket {
    const d = this.d;
    d.buf = buf;
    d.linkType = linkType;
    d.short = '';
    d.unsupportedLink = false;
    d.vxlan.present = false;
    d.innerFrameLength = 0;
    d.outer.reset();
    d.inner.reset();
    const end = off + caplen;
    d.outer.off = off;
    d.outer.captured = caplen;
    let etherType: number;
    let payload: number;
    const eth = d.outer.eth;
    if (linkType === LINKTYPE_ETHERNET) {
      payload = decodeEthernet(d, 'outer', eth, buf, off, end);
      if (payload < 0) return d;
      etherType = eth.etherType;
    } else if (linkType === LINKTYPE_LINUX_SLL) {
      if (end - off < 16) return short(d, 'outer linux cooked (SLL)', off, 16, end - off);
      eth.present = true;
      eth.dstOff = -1;
      // The link-layer address is the sender's; it is a MAC when its length is 6.
      eth.srcOff = ((buf[off + 4]! << 8) | buf[off + 5]!) === 6 ? off + 6 : -1;
      eth.etherType = etherType = (buf[off + 14]! << 8) | buf[off + 15]!;
      eth.vlanCount = 0;
      eth.vlanId = eth.innerVlanId = -1;
      eth.payloadOff = payload = off + 16;
    } else if (linkType === LINKTYPE_LINUX_SLL2) {
      if (end - off < 20) return short(d, 'outer linux cooked (SLL2)', off, 20, end - off);
      eth.present = true;
      eth.dstOff = -1;
      eth.srcOff = buf[off + 11] === 6 ? off + 12 : -1;
      eth.etherType = etherType = (buf[off]! << 8) | buf[off + 1]!;
      eth.vlanCount = 0;
      eth.vlanId = eth.innerVlanId = -1;
      eth.payloadOff = payload = off + 20;
    } else if (linkType === LINKTYPE_RAW) {
      if (end - off < 1) return short(d, 'outer ip', off, 1, 0);
      etherType = buf[off]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      payload = off;
    } else {
      d.unsupportedLink = true;
      return d;
    }
    const l4 = decodeNetwork(d, 'outer', d.outer, buf, etherType, payload, end);
    if (l4 < 0) return d;
    const udp = d.outer.udp;
    if (!udp.present || this.ports[udp.dstPort] === 0) return d;
    // VXLAN: 8 bytes (flags, 3 reserved, 24-bit VNI, 1 reserved), then an Ethernet frame.
    const v = udp.payloadOff;
    if (end - v < 8) return short(d, 'vxlan', v, 8, end - v);
    const vx = d.vxlan;
    vx.present = true;
    vx.off = v;
    vx.flags = buf[v]!;
    vx.vni = (buf[v + 4]! << 16) | (buf[v + 5]! << 8) | buf[v + 6]!;
    d.innerFrameLength = udp.length >= 16 ? udp.length - 16 : 0;
    const inner = v + 8;
    d.inner.off = inner;
    d.inner.captured = end - inner;
    const ip = decodeEthernet(d, 'inner', d.inner.eth, buf, inner, end);
    if (ip < 0) return d;
    decodeNetwork(d, 'inner', d.inner, buf, d.inner.eth.etherType, ip, end);
    return d;
  }
}

function short(d: DecodedPacket, what: string, at: number, need: number, have: number): DecodedPacket {
  d.short = what;
  d.shortAt = at;
  d.shortNeed = need;
  d.shortHave = have < 0 ? 0 : have;
  return d;
}

/** Returns the payload offset, or -1 when the frame is too short. */
function decodeEthernet(d: DecodedPacket, level: 'outer' | 'inner', eth: EthernetHeader, buf: Uint8Array, off: number, end: number): number {
  if (end - off < 14) {
    short(d, level === 'outer' ? 'outer ethernet' : 'inner ethernet', off, 14, end - off);
    return -1;
  }
  eth.present = true;
  eth.dstOff = off;
  eth.srcOff = off + 6;
  let p = off + 12;
  let type = (buf[p]! << 8) | buf[p + 1]!;
  eth.vlanCount = 0;
  eth.vlanId = -1;
  eth.innerVlanId = -1;
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === 0x9100) {
    if (end - p < 6) {
      eth.etherType = type;
      short(d, level === 'outer' ? 'outer 802.1Q tag' : 'inner 802.1Q tag', p, 6, end - p);
      return -1;
    }
    const id = ((buf[p + 2]! << 8) | buf[p + 3]!) & 0x0fff;
    if (eth.vlanCount === 0) eth.vlanId = id;
    else if (eth.vlanCount === 1) eth.innerVlanId = id;
    eth.vlanCount++;
    p += 4;
    type = (buf[p]! << 8) | buf[p + 1]!;
  }
  eth.etherType = type;
  eth.payloadOff = p + 2;
  return p + 2;
}

/** Decodes ARP / IPv4 / IPv6 and the transport header. Returns the L4 payload offset, or -1. */
function decodeNetwork(d: DecodedPacket, level: 'outer' | 'inner', layers: Layers, buf: Uint8Array, etherType: number, off: number, end: number): number {
  if (etherType === ETHERTYPE_IPV4) {
    if (end - off < 20) return shortNeg(d, level, 'ipv4', off, 20, end - off);
    const ip = layers.ip;
    const vihl = buf[off]!;
    const hl = (vihl & 0x0f) << 2;
    if (vihl >> 4 !== 4 || hl < 20) return shortNeg(d, level, 'ipv4 (bad version or header length)', off, 20, end - off);
    if (end - off < hl) return shortNeg(d, level, 'ipv4 options', off, hl, end - off);
    ip.present = true;
    ip.version = 4;
    ip.off = off;
    ip.headerLength = hl;
    const total = (buf[off + 2]! << 8) | buf[off + 3]!;
    ip.totalLength = total;
    ip.id = (buf[off + 4]! << 8) | buf[off + 5]!;
    const ff = (buf[off + 6]! << 8) | buf[off + 7]!;
    ip.dontFragment = (ff & 0x4000) !== 0;
    ip.moreFragments = (ff & 0x2000) !== 0;
    ip.fragmentOffset = (ff & 0x1fff) << 3;
    ip.fragment = (ff & 0x3fff) !== 0;
    ip.ttl = buf[off + 8]!;
    ip.protocol = buf[off + 9]!;
    ip.srcOff = off + 12;
    ip.dstOff = off + 16;
    ip.src = ((buf[off + 12]! << 24) | (buf[off + 13]! << 16) | (buf[off + 14]! << 8) | buf[off + 15]!) >>> 0;
    ip.dst = ((buf[off + 16]! << 24) | (buf[off + 17]! << 16) | (buf[off + 18]! << 8) | buf[off + 19]!) >>> 0;
    ip.payloadOff = off + hl;
    ip.payloadLength = total > hl ? total - hl : 0;
    // A non-first fragment carries no transport header.
    if (ip.fragmentOffset !== 0) return -1;
    // Ethernet padding: the IP packet ends at its total length.
    const ipEnd = total >= hl && off + total < end ? off + total : end;
    return decodeTransport(d, level, layers, buf, ip.protocol, off + hl, ipEnd);
  }
  if (etherType === ETHERTYPE_ARP) {
    if (end - off < 8) return shortNeg(d, level, 'arp', off, 8, end - off);
    const arp = layers.arp;
    const hlen = buf[off + 4]!;
    const plen = buf[off + 5]!;
    const need = 8 + 2 * hlen + 2 * plen;
    if (end - off < need) return shortNeg(d, level, 'arp', off, need, end - off);
    arp.present = true;
    arp.htype = (buf[off]! << 8) | buf[off + 1]!;
    arp.ptype = (buf[off + 2]! << 8) | buf[off + 3]!;
    arp.op = (buf[off + 6]! << 8) | buf[off + 7]!;
    arp.senderMacOff = off + 8;
    arp.targetMacOff = off + 8 + hlen + plen;
    if (plen === 4) {
      const s = off + 8 + hlen;
      const t = arp.targetMacOff + hlen;
      arp.senderIp = ((buf[s]! << 24) | (buf[s + 1]! << 16) | (buf[s + 2]! << 8) | buf[s + 3]!) >>> 0;
      arp.targetIp = ((buf[t]! << 24) | (buf[t + 1]! << 16) | (buf[t + 2]! << 8) | buf[t + 3]!) >>> 0;
    } else {
      arp.senderIp = arp.targetIp = 0;
    }
    return -1;
  }
  if (etherType === ETHERTYPE_IPV6) {
    if (end - off < 40) return shortNeg(d, level, 'ipv6', off, 40, end - off);
    const ip = layers.ip;
    ip.present = true;
    ip.version = 6;
    ip.off = off;
    ip.headerLength = 40;
    const plen = (buf[off + 4]! << 8) | buf[off + 5]!;
    ip.totalLength = plen + 40;
    ip.id = 0;
    ip.dontFragment = false;
    ip.moreFragments = false;
    ip.fragmentOffset = 0;
    ip.fragment = false;
    ip.ttl = buf[off + 7]!;
    ip.src = ip.dst = 0;
    ip.srcOff = off + 8;
    ip.dstOff = off + 24;
    // Walk the extension headers: hop-by-hop, routing, fragment, destination options.
    let next = buf[off + 6]!;
    let p = off + 40;
    for (;;) {
      if (next === 0 || next === 43 || next === 60) {
        if (end - p < 8) {
          ip.protocol = next;
          ip.payloadOff = p;
          return shortNeg(d, level, 'ipv6 extension', p, 8, end - p);
        }
        const len = (buf[p + 1]! + 1) * 8;
        next = buf[p]!;
        p += len;
      } else if (next === 44) {
        if (end - p < 8) {
          ip.protocol = next;
          ip.payloadOff = p;
          return shortNeg(d, level, 'ipv6 fragment', p, 8, end - p);
        }
        const fo = (buf[p + 2]! << 8) | buf[p + 3]!;
        ip.fragmentOffset = fo & 0xfff8;
        ip.moreFragments = (fo & 1) !== 0;
        ip.fragment = true;
        ip.id = ((buf[p + 4]! << 24) | (buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!) >>> 0;
        next = buf[p]!;
        p += 8;
      } else break;
    }
    ip.protocol = next;
    ip.payloadOff = p;
    ip.payloadLength = off + 40 + plen - p;
    if (ip.fragmentOffset !== 0) return -1;
    const ipEnd = off + 40 + plen < end ? off + 40 + plen : end;
    return decodeTransport(d, level, layers, buf, next, p, ipEnd);
  }
  return -1;
}

function shortNeg(d: DecodedPacket, level: string, what: string, at: number, need: number, have: number): -1 {
  short(d, `${level} ${what}`, at, need, have);
  return -1;
}

function decodeTransport(d: DecodedPacket, level: 'outer' | 'inner', layers: Layers, buf: Uint8Array, proto: number, off: number, end: number): number {
  if (proto === IPPROTO_UDP) {
    if (end - off < 8) return shortNeg(d, level, 'udp', off, 8, end - off);
    const udp = layers.udp;
    udp.present = true;
    udp.srcPort = (buf[off]! << 8) | buf[off + 1]!;
    udp.dstPort = (buf[off + 2]! << 8) | buf[off + 3]!;
    udp.length = (buf[off + 4]! << 8) | buf[off + 5]!;
    udp.payloadOff = off + 8;
    return off + 8;
  }
  if (proto === IPPROTO_TCP) {
    if (end - off < 20) return shortNeg(d, level, 'tcp', off, 20, end - off);
    const tcp = layers.tcp;
    tcp.present = true;
    tcp.srcPort = (buf[off]! << 8) | buf[off + 1]!;
    tcp.dstPort = (buf[off + 2]! << 8) | buf[off + 3]!;
    tcp.seq = ((buf[off + 4]! << 24) | (buf[off + 5]! << 16) | (buf[off + 6]! << 8) | buf[off + 7]!) >>> 0;
    tcp.ack = ((buf[off + 8]! << 24) | (buf[off + 9]! << 16) | (buf[off + 10]! << 8) | buf[off + 11]!) >>> 0;
    tcp.headerLength = (buf[off + 12]! >> 4) << 2;
    tcp.flags = buf[off + 13]!;
    tcp.payloadOff = off + tcp.headerLength;
    return off + tcp.headerLength;
  }
  if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) {
    if (end - off < 4) return shortNeg(d, level, proto === IPPROTO_ICMP ? 'icmp' : 'icmpv6', off, 4, end - off);
    const icmp = layers.icmp;
    icmp.present = true;
    icmp.type = buf[off]!;
    icmp.code = buf[off + 1]!;
    icmp.v6 = proto === IPPROTO_ICMPV6;
    return off + 4;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function ipv4String(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function parseIpv4(s: string): number {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${s}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function macAt(buf: Uint8Array, off: number): string {
  if (off < 0) return '';
  return `${HEX[buf[off]!]}:${HEX[buf[off + 1]!]}:${HEX[buf[off + 2]!]}:${HEX[buf[off + 3]!]}:${HEX[buf[off + 4]!]}:${HEX[buf[off + 5]!]}`;
}

/** An IPv6 address in its RFC 5952 form (longest run of zero groups as ::). */
export function ipv6At(buf: Uint8Array, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((buf[off + i]! << 8) | buf[off + i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The address of an IP header as text (v4 or v6). */
export function ipSrcString(d: DecodedPacket, ip: IpHeader): string {
  return ip.version === 4 ? ipv4String(ip.src) : ipv6At(d.buf, ip.srcOff);
}
export function ipDstString(d: DecodedPacket, ip: IpHeader): string {
  return ip.version === 4 ? ipv4String(ip.dst) : ipv6At(d.buf, ip.dstOff);
}

export function tcpFlagsString(flags: number): string {
  const names: [number, string][] = [
    [TCP_SYN, 'SYN'],
    [TCP_ACK, 'ACK'],
    [TCP_FIN, 'FIN'],
    [TCP_RST, 'RST'],
    [TCP_PSH, 'PSH'],
    [TCP_URG, 'URG'],
    [TCP_ECE, 'ECE'],
    [TCP_CWR, 'CWR'],
  ];
  return names
    .filter(([bit]) => flags & bit)
    .map(([, n]) => n)
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// Plain objects (tests, tools, small captures)

export interface PlainLayers {
  eth?: { dst: string; src: string; etherType: number; vlans: number[] };
  arp?: { op: number; senderMac: string; senderIp: string; targetMac: string; targetIp: string };
  ip?: {
    version: 4 | 6;
    src: string;
    dst: string;
    protocol: number;
    ttl: number;
    totalLength: number;
    id: number;
    dontFragment: boolean;
    moreFragments: boolean;
    fragmentOffset: number;
  };
  icmp?: { type: number; code: number; v6: boolean };
  udp?: { srcPort: number; dstPort: number; length: number };
  tcp?: { srcPort: number; dstPort: number; flags: number; flagNames: string; seq: number; ack: number };
}

export interface PlainPacket {
  outer: PlainLayers;
  vxlan?: { vni: number; flags: number };
  inner?: PlainLayers;
  innerFrameLength?: number;
  /** Why decoding stopped early (a header did not fit), if it did. */
  short?: string;
  unsupportedLink?: true;
}

function plainLayers(d: DecodedPacket, l: Layers): PlainLayers {
  const out: PlainLayers = {};
  const b = d.buf;
  if (l.eth.present) {
    const vlans = l.eth.vlanCount === 0 ? [] : l.eth.vlanCount === 1 ? [l.eth.vlanId] : [l.eth.vlanId, l.eth.innerVlanId];
    out.eth = { dst: macAt(b, l.eth.dstOff), src: macAt(b, l.eth.srcOff), etherType: l.eth.etherType, vlans };
  }
  if (l.arp.present) {
    out.arp = { op: l.arp.op, senderMac: macAt(b, l.arp.senderMacOff), senderIp: ipv4String(l.arp.senderIp), targetMac: macAt(b, l.arp.targetMacOff), targetIp: ipv4String(l.arp.targetIp) };
  }
  if (l.ip.present) {
    const ip = l.ip;
    out.ip = {
      version: ip.version as 4 | 6,
      src: ipSrcString(d, ip),
      dst: ipDstString(d, ip),
      protocol: ip.protocol,
      ttl: ip.ttl,
      totalLength: ip.totalLength,
      id: ip.id,
      dontFragment: ip.dontFragment,
      moreFragments: ip.moreFragments,
      fragmentOffset: ip.fragmentOffset,
    };
  }
  if (l.icmp.present) out.icmp = { type: l.icmp.type, code: l.icmp.code, v6: l.icmp.v6 };
  if (l.udp.present) out.udp = { srcPort: l.udp.srcPort, dstPort: l.udp.dstPort, length: l.udp.length };
  if (l.tcp.present) out.tcp = { srcPort: l.tcp.srcPort, dstPort: l.tcp.dstPort, flags: l.tcp.flags, flagNames: tcpFlagsString(l.tcp.flags), seq: l.tcp.seq, ack: l.tcp.ack };
  return out;
}

/** A DecodedPacket as a plain, self-contained object (strings for addresses). */
export function toPlain(d: DecodedPacket): PlainPacket {
  const out: PlainPacket = { outer: plainLayers(d, d.outer) };
  if (d.vxlan.present) {
    out.vxlan = { vni: d.vxlan.vni, flags: d.vxlan.flags };
    out.innerFrameLength = d.innerFrameLength;
    out.inner = plainLayers(d, d.inner);
  }
  if (d.short) out.short = d.describeShort();
  if (d.unsupportedLink) out.unsupportedLink = true;
  return out;
}

/** Decodes one frame into a plain object. Convenient, not fast: use PacketDecoder in loops. */
export function decodePacket(data: Uint8Array, linkType = LINKTYPE_ETHERNET, options: DecoderOptions = {}): PlainPacket {
  return toPlain(new PacketDecoder(options).decode(data, 0, data.length, linkType));
}
