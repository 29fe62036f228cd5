// The pcap/pcapng reader, the header decoder and the summary, on capture files written byte by
// byte here (both byte orders, micro/nanosecond and odd timestamp resolutions, snap-length cuts,
// 802.1Q, IPv6 outer headers, VXLAN VNI 0 and 1, inner ARP/ICMP/UDP/TCP), and the errors for
// corrupt and cut-short files, with their byte offsets.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PcapError } from '../../harness/core/errors.js';
import { forEachPacket, forEachPacketInBuffer, readPackets, type PcapPacket } from '../../harness/pcap/reader.js';
import { decodePacket, PacketDecoder, TCP_ACK, TCP_SYN } from '../../harness/pcap/decode.js';
import { formatSummary, summarizePcap, summarizePcapBuffer } from '../../harness/pcap/summary.js';

// ---------------------------------------------------------------------------------------------
// Writing frames and files by hand

const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const mac = (s: string): Buffer => hex(s);
const ip4 = (s: string): Buffer => Buffer.from(s.split('.').map(Number));
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 255, n & 255]);
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';
const POD_A = '0a:58:0a:d9:00:16';
const POD_B = '0a:58:0a:d9:01:1e';

function eth(dst: string, src: string, type: number, payload: Buffer): Buffer {
  return Buffer.concat([mac(dst), mac(src), u16(type), payload]);
}
/** With VLAN tags: one 802.1Q tag, or an 802.1ad outer tag then an 802.1Q one (QinQ). */
function ethTagged(dst: string, src: string, type: number, payload: Buffer, vlans: number[]): Buffer {
  const parts: Buffer[] = [mac(dst), mac(src)];
  vlans.forEach((v, i) => parts.push(u16(i === 0 && vlans.length > 1 ? 0x88a8 : 0x8100), u16(v)));
  parts.push(u16(type), payload);
  return Buffer.concat(parts);
}

interface Ip4Opts {
  src: string;
  dst: string;
  proto: number;
  payload: Buffer;
  df?: boolean;
  mf?: boolean;
  fragOffset?: number;
  ttl?: number;
  id?: number;
}
function ipv4(o: Ip4Opts): Buffer {
  const total = 20 + o.payload.length;
  const ff = (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) >> 3);
  return Buffer.concat([Buffer.from([0x45, 0]), u16(total), u16(o.id ?? 0x1234), u16(ff), Buffer.from([o.ttl ?? 64, o.proto]), u16(0), ip4(o.src), ip4(o.dst), o.payload]);
}
function ipv6(src: string, dst: string, next: number, payload: Buffer): Buffer {
  return Buffer.concat([hex('60000000'), u16(payload.length), Buffer.from([next, 64]), hex(src), hex(dst), payload]);
}
const udp = (sp: number, dp: number, payload: Buffer): Buffer => Buffer.concat([u16(sp), u16(dp), u16(8 + payload.length), u16(0), payload]);
const vxlan = (vni: number, inner: Buffer): Buffer => Buffer.concat([Buffer.from([0x08, 0, 0, 0]), Buffer.from([(vni >> 16) & 255, (vni >> 8) & 255, vni & 255, 0]), inner]);
const arp = (op: number, smac: string, sip: string, tmac: string, tip: string): Buffer =>
  Buffer.concat([u16(1), u16(0x0800), Buffer.from([6, 4]), u16(op), mac(smac), ip4(sip), mac(tmac), ip4(tip)]);
const icmp = (type: number, code: number, rest = Buffer.alloc(4 + 56)): Buffer => Buffer.concat([Buffer.from([type, code]), u16(0), rest]);
const tcp = (sp: number, dp: number, flags: number, seq = 1000, ack = 0): Buffer => Buffer.concat([u16(sp), u16(dp), u32(seq), u32(ack), Buffer.from([0x50, flags]), u16(65535), u16(0), u16(0)]);

const UL_A = '10.169.72.127';
const UL_B = '10.169.72.128';
const UL_BIGIP = '10.169.72.36';

/** An underlay frame carrying `inner` in VXLAN from VTEP src to dst. */
function vxlanFrame(src: string, dst: string, vni: number, inner: Buffer, opts: { port?: number; sport?: number; vlans?: number[] } = {}): Buffer {
  const u = udp(opts.sport ?? 40000, opts.port ?? 8472, vxlan(vni, inner));
  const ip = ipv4({ src, dst, proto: 17, payload: u });
  return opts.vlans ? ethTagged(MAC_B, MAC_A, 0x0800, ip, opts.vlans) : eth(MAC_B, MAC_A, 0x0800, ip);
}

const innerArpRequest = (): Buffer => eth('ff:ff:ff:ff:ff:ff', POD_A, 0x0806, arp(1, POD_A, '10.217.0.22', '00:00:00:00:00:00', '10.217.1.30'));
const innerArpReply = (): Buffer => eth(POD_A, POD_B, 0x0806, arp(2, POD_B, '10.217.1.30', POD_A, '10.217.0.22'));
const innerPing = (type = 8): Buffer => eth(POD_B, POD_A, 0x0800, ipv4({ src: '10.217.0.22', dst: '10.217.1.30', proto: 1, payload: icmp(type, 0), df: true }));
const innerTcp = (flags: number): Buffer => eth(POD_B, POD_A, 0x0800, ipv4({ src: '10.217.0.22', dst: '10.217.1.30', proto: 6, payload: tcp(43210, 80, flags) }));
const innerUdp = (): Buffer => eth(POD_B, POD_A, 0x0800, ipv4({ src: '10.217.0.22', dst: '10.217.1.30', proto: 17, payload: udp(5000, 7, Buffer.alloc(32)) }));
const underlayArp = (): Buffer => eth('ff:ff:ff:ff:ff:ff', MAC_A, 0x0806, arp(1, MAC_A, UL_A, '00:00:00:00:00:00', UL_B));

interface Rec {
  sec: number;
  /** Microseconds or nanoseconds, per the file. */
  frac: number;
  data: Buffer;
  /** Original length when the snap length cut the packet. */
  origlen?: number;
}

function pcapFile(recs: Rec[], o: { le?: boolean; nano?: boolean; linkType?: number; snaplen?: number } = {}): Buffer {
  const le = o.le ?? true;
  const w32 = (n: number) => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(n >>> 0);
    else b.writeUInt32BE(n >>> 0);
    return b;
  };
  const w16 = (n: number) => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(n);
    else b.writeUInt16BE(n);
    return b;
  };
  const parts: Buffer[] = [w32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4), w16(2), w16(4), w32(0), w32(0), w32(o.snaplen ?? 65535), w32(o.linkType ?? 1)];
  for (const r of recs) parts.push(w32(r.sec), w32(r.frac), w32(r.data.length), w32(r.origlen ?? r.data.length), r.data);
  return Buffer.concat(parts);
}

/** pcapng blocks, each written in the byte order of its section. */
class Ng {
  private parts: Buffer[] = [];
  private le = true;
  private w32(n: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(n >>> 0);
    else b.writeUInt32BE(n >>> 0);
    return b;
  }
  private w16(n: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(n);
    else b.writeUInt16BE(n);
    return b;
  }
  private pad(b: Buffer): Buffer {
    return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  }
  private option(code: number, value: Buffer): Buffer {
    return Buffer.concat([this.w16(code), this.w16(value.length), this.pad(value)]);
  }
  block(type: number, body: Buffer): this {
    const len = 12 + body.length;
    this.parts.push(this.w32(type), this.w32(len), body, this.w32(len));
    return this;
  }
  shb(le: boolean): this {
    this.le = le;
    return this.block(0x0a0d0d0a, Buffer.concat([this.w32(0x1a2b3c4d), this.w16(1), this.w16(0), Buffer.alloc(8, 0xff)]));
  }
  idb(linkType: number, snaplen: number, opts: { tsresol?: number; tsoffset?: bigint; name?: string } = {}): this {
    const o: Buffer[] = [];
    if (opts.name) o.push(this.option(2, Buffer.from(opts.name)));
    if (opts.tsresol !== undefined) o.push(this.option(9, Buffer.from([opts.tsresol])));
    if (opts.tsoffset !== undefined) {
      const b = Buffer.alloc(8);
      if (this.le) b.writeBigInt64LE(opts.tsoffset);
      else b.writeBigInt64BE(opts.tsoffset);
      o.push(this.option(14, b));
    }
    if (o.length) o.push(this.option(0, Buffer.alloc(0)));
    return this.block(1, Buffer.concat([this.w16(linkType), this.w16(0), this.w32(snaplen), ...o]));
  }
  epb(ifid: number, units: bigint, data: Buffer, origlen = data.length): this {
    return this.block(6, Buffer.concat([this.w32(ifid), this.w32(Number(units >> 32n)), this.w32(Number(units & 0xffffffffn)), this.w32(data.length), this.w32(origlen), this.pad(data)]));
  }
  spb(data: Buffer, origlen = data.length): this {
    return this.block(3, Buffer.concat([this.w32(origlen), this.pad(data)]));
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function collect(buf: Buffer, options: { allowTruncatedTail?: boolean } = {}): { packets: PcapPacket[]; result: ReturnType<typeof forEachPacketInBuffer> } {
  const packets: PcapPacket[] = [];
  const result = forEachPacketInBuffer(buf, (p) => packets.push(p.clone()), options);
  return { packets, result };
}

function errorOf(fn: () => unknown): PcapError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PcapError) return e;
    throw e;
  }
  throw new Error('expected a PcapError');
}

const T0 = 1_700_000_000; // 2023-11-14T22:13:20Z

/** The reference mix: underlay ARP, VXLAN VNI 1 inner ARP both ways, ping, TCP SYN, VNI 0 UDP. */
function referenceRecords(nano: boolean): Rec[] {
  const f = (us: number) => (nano ? us * 1000 + 7 : us);
  return [
    { sec: T0, frac: f(1), data: underlayArp() },
    { sec: T0, frac: f(2), data: vxlanFrame(UL_A, UL_B, 1, innerArpRequest()) },
    { sec: T0, frac: f(3), data: vxlanFrame(UL_B, UL_A, 1, innerArpReply()) },
    { sec: T0, frac: f(4), data: vxlanFrame(UL_A, UL_B, 1, innerPing(8)) },
    { sec: T0, frac: f(5), data: vxlanFrame(UL_B, UL_A, 1, innerPing(0)) },
    { sec: T0 + 1, frac: f(999_999), data: vxlanFrame(UL_A, UL_B, 1, innerTcp(TCP_SYN)) },
    { sec: T0 + 2, frac: f(0), data: vxlanFrame(UL_BIGIP, UL_A, 0, innerUdp(), { port: 4789 }) },
  ];
}

// ---------------------------------------------------------------------------------------------
// pcap

for (const [le, nano] of [
  [true, false],
  [false, false],
  [true, true],
  [false, true],
] as const) {
  test(`pcap ${le ? 'little' : 'big'}-endian ${nano ? 'ns' : 'µs'}: records, timestamps, lengths`, (t) => {
    const recs = referenceRecords(nano);
    const { packets, result } = collect(pcapFile(recs, { le, nano }));
    t.is(result.format, 'pcap');
    t.is(result.byteOrder, le ? 'little' : 'big');
    t.deepEqual(result.interfaces, [{ linkType: 1, snaplen: 65535, tsResolution: nano ? 'ns' : 'us' }]);
    t.is(result.packets, recs.length);
    t.is(packets.length, recs.length);
    t.is(packets[0]!.offset, 24);
    t.is(packets[1]!.offset, 24 + 16 + recs[0]!.data.length);
    t.is(packets[3]!.tsSec, T0);
    t.is(packets[3]!.tsNsec, nano ? 4007 : 4000);
    t.is(packets[5]!.timestampNs, BigInt(T0 + 1) * 1_000_000_000n + (nano ? 999_999_007n : 999_999_000n));
    t.is(packets[5]!.timestampMs, (T0 + 1) * 1000 + (nano ? 999.999007 : 999.999));
    for (const [i, p] of packets.entries()) {
      t.is(p.index, i);
      t.is(p.caplen, recs[i]!.data.length);
      t.is(p.origlen, recs[i]!.data.length);
      t.false(p.truncated);
      t.true(p.data.equals(recs[i]!.data));
    }
  });
}

test('pcap: the packet data is a view into the read buffer, not a copy', (t) => {
  const file = pcapFile(referenceRecords(false));
  const { packets } = collect(file);
  const p = packets[1]!;
  t.is(p.data.buffer, file.buffer);
  t.is(p.data.byteOffset, file.byteOffset + p.offset + 16);
});

test('summary: both byte orders and both resolutions give the same summary', (t) => {
  const strip = (s: ReturnType<typeof summarizePcapBuffer>) => ({ ...s, byteOrder: '', interfaces: [], firstMs: 0, lastMs: 0, durationMs: 0 });
  const a = summarizePcapBuffer(pcapFile(referenceRecords(false), { le: true }));
  for (const [le, nano] of [
    [false, false],
    [true, true],
    [false, true],
  ] as const) {
    t.deepEqual(strip(summarizePcapBuffer(pcapFile(referenceRecords(nano), { le, nano }))), strip(a));
  }
});

test('summary: flows per VTEP pair, VNIs 0 and 1, inner protocols, ARP outer and inner', (t) => {
  const recs = referenceRecords(false);
  const s = summarizePcapBuffer(pcapFile(recs));
  t.is(s.packets, 7);
  t.is(
    s.bytes,
    recs.reduce((n, r) => n + r.data.length, 0),
  );
  t.is(s.vxlanPackets, 6);
  t.is(s.nonVxlanPackets, 1);
  t.deepEqual(s.vnis, [
    { vni: 0, packets: 1 },
    { vni: 1, packets: 5 },
  ]);
  t.deepEqual(
    s.flows.map((f) => [f.src, f.dst, f.packets, f.vnis, f.dstPorts]),
    [
      [UL_A, UL_B, 3, [1], [8472]],
      [UL_B, UL_A, 2, [1], [8472]],
      [UL_BIGIP, UL_A, 1, [0], [4789]],
    ],
  );
  const ab = s.flows[0]!;
  const ping = recs[3]!.data;
  t.is(ab.bytes, recs[1]!.data.length + ping.length + recs[5]!.data.length);
  // The ping's outer IPv4 total length is the frame minus the 14-byte Ethernet header, and the
  // inner frame is what follows the 14 + 20 + 8 + 8 bytes of outer headers.
  t.is(ab.maxOuterIpTotalLength, ping.length - 14);
  t.is(ab.maxInnerFrameLength, ping.length - 50);
  t.is(s.maxOuterIpTotalLength, ping.length - 14);
  t.deepEqual(s.innerProtocols, { arp: 2, icmp: 2, udp: 1, tcp: 1, other: 0 });
  t.deepEqual(s.arp.outer, { packets: 1, requests: 1, replies: 0, other: 0, senders: [{ ip: UL_A, macs: [MAC_A], requests: 1, replies: 0, requestsByMac: { [MAC_A]: 1 } }] });
  t.deepEqual(s.arp.inner, {
    packets: 2,
    requests: 1,
    replies: 1,
    other: 0,
    senders: [
      { ip: '10.217.0.22', macs: [POD_A], requests: 1, replies: 0, requestsByMac: { [POD_A]: 1 } },
      { ip: '10.217.1.30', macs: [POD_B], requests: 0, replies: 1, requestsByMac: {} },
    ],
  });
  t.is(s.outerIpv4Fragments, 0);
  t.is(s.shortFrames, 0);
  t.is(s.firstMs, T0 * 1000 + 0.001);
  t.is(s.durationMs, s.lastMs! - s.firstMs!);
  const text = formatSummary(s);
  t.regex(text, /10\.169\.72\.127\s+10\.169\.72\.128\s+3\s/);
  t.regex(text, /VNIs\s+0 \(1\), 1 \(5\)/);
  t.regex(text, /ARP inside VXLAN: 2 packets, 1 requests, 1 replies/);
});

test('summary: VXLAN only on the configured ports', (t) => {
  const file = pcapFile([{ sec: T0, frac: 0, data: vxlanFrame(UL_A, UL_B, 7, innerPing(), { port: 9999 }) }, ...referenceRecords(false)]);
  const dflt = summarizePcapBuffer(file);
  t.is(dflt.vxlanPackets, 6);
  const only = summarizePcapBuffer(file, { vxlanPorts: [9999] });
  t.is(only.vxlanPackets, 1);
  t.deepEqual(only.vnis, [{ vni: 7, packets: 1 }]);
  t.deepEqual(only.vxlanPorts, [9999]);
});

test('snap length: a cut packet decodes as far as it goes and is marked truncated', (t) => {
  const whole = vxlanFrame(UL_A, UL_B, 1, innerPing());
  // 14 + 20 + 8 + 8 outer, 14 inner Ethernet, then 10 of the inner IPv4 header's 20 bytes.
  const cut = whole.subarray(0, 74);
  const file = pcapFile([{ sec: T0, frac: 0, data: cut, origlen: whole.length }], { snaplen: 74 });
  const { packets } = collect(file);
  const p = packets[0]!;
  t.true(p.truncated);
  t.is(p.caplen, 74);
  t.is(p.origlen, whole.length);
  const d = new PacketDecoder().decode(p.buffer, p.dataOffset, p.caplen, p.linkType);
  t.true(d.vxlan.present);
  t.is(d.vxlan.vni, 1);
  t.true(d.inner.eth.present);
  t.false(d.inner.ip.present);
  t.is(d.short, 'inner ipv4');
  t.is(d.describeShort(), 'frame ends 10 bytes into the inner ipv4 header at byte 64 of the frame (needs 20)');
  // The inner frame length comes from the UDP length, so the summary still sees the real size.
  t.is(d.innerFrameLength, whole.length - 50);
  const s = summarizePcapBuffer(file);
  t.is(s.truncatedPackets, 1);
  t.is(s.capturedBytes, 74);
  t.is(s.bytes, whole.length);
  t.is(s.flows[0]!.maxInnerFrameLength, whole.length - 50);
  t.is(s.flows[0]!.maxOuterIpTotalLength, whole.length - 14);
  t.is(s.innerProtocols.other, 1);
  t.is(s.shortFrames, 1);
  t.regex(s.examples[0]!, /^packet 1 \(byte 24\): frame ends 10 bytes into the inner ipv4 header .*\(snap length: 74 of 148 bytes captured\)$/);
});

test('decode: 802.1Q and QinQ tags on the outer frame', (t) => {
  const one = decodePacket(vxlanFrame(UL_A, UL_B, 1, innerPing(), { vlans: [100] }));
  t.deepEqual(one.outer.eth, { dst: MAC_B, src: MAC_A, etherType: 0x0800, vlans: [100] });
  t.is(one.vxlan?.vni, 1);
  t.is(one.inner?.icmp?.type, 8);
  const two = decodePacket(vxlanFrame(UL_A, UL_B, 0, innerArpRequest(), { vlans: [10, 20] }));
  t.deepEqual(two.outer.eth?.vlans, [10, 20]);
  t.is(two.vxlan?.vni, 0);
  t.is(two.inner?.arp?.op, 1);
  const s = summarizePcapBuffer(pcapFile([{ sec: T0, frac: 0, data: vxlanFrame(UL_A, UL_B, 1, innerPing(), { vlans: [100] }) }]));
  t.is(s.vxlanPackets, 1);
  t.is(s.flows[0]!.maxOuterIpTotalLength, 20 + 8 + 8 + 14 + 20 + 64);
});

test('decode: IPv6 outer header with VXLAN, and the flow named by IPv6 addresses', (t) => {
  const src = 'fd00 0000 0000 0000 0000 0000 0000 0001';
  const dst = 'fd00 0000 0000 0000 0000 0000 0000 0002';
  const frame = eth(MAC_B, MAC_A, 0x86dd, ipv6(src, dst, 17, udp(40001, 4789, vxlan(1, innerTcp(TCP_SYN | TCP_ACK)))));
  const d = decodePacket(frame);
  t.is(d.outer.ip?.version, 6);
  t.is(d.outer.ip?.src, 'fd00::1');
  t.is(d.outer.ip?.dst, 'fd00::2');
  t.is(d.outer.ip?.totalLength, frame.length - 14);
  t.is(d.vxlan?.vni, 1);
  t.deepEqual(d.inner?.tcp, { srcPort: 43210, dstPort: 80, flags: TCP_SYN | TCP_ACK, flagNames: 'SYN,ACK', seq: 1000, ack: 0 });
  const s = summarizePcapBuffer(pcapFile([{ sec: T0, frac: 0, data: frame }]));
  t.deepEqual(
    s.flows.map((f) => [f.src, f.dst, f.packets, f.maxOuterIpTotalLength]),
    [['fd00::1', 'fd00::2', 1, frame.length - 14]],
  );
  t.is(s.innerProtocols.tcp, 1);
});

test('decode: inner ARP, ICMP, TCP and UDP fields', (t) => {
  const a = decodePacket(vxlanFrame(UL_A, UL_B, 1, innerArpRequest()));
  t.deepEqual(a.inner?.arp, { op: 1, senderMac: POD_A, senderIp: '10.217.0.22', targetMac: '00:00:00:00:00:00', targetIp: '10.217.1.30' });
  t.deepEqual(a.inner?.eth, { dst: 'ff:ff:ff:ff:ff:ff', src: POD_A, etherType: 0x0806, vlans: [] });
  const p = decodePacket(vxlanFrame(UL_A, UL_B, 1, innerPing(0)));
  t.deepEqual(p.inner?.icmp, { type: 0, code: 0, v6: false });
  t.is(p.inner?.ip?.src, '10.217.0.22');
  t.true(p.inner?.ip?.dontFragment);
  t.is(p.outer.udp?.dstPort, 8472);
  t.is(p.outer.ip?.ttl, 64);
  const u = decodePacket(vxlanFrame(UL_A, UL_B, 1, innerUdp()));
  t.deepEqual(u.inner?.udp, { srcPort: 5000, dstPort: 7, length: 40 });
  const unreachable = decodePacket(vxlanFrame(UL_A, UL_B, 1, eth(POD_B, POD_A, 0x0800, ipv4({ src: '10.217.0.22', dst: '10.217.1.30', proto: 1, payload: icmp(3, 4) }))));
  t.deepEqual(unreachable.inner?.icmp, { type: 3, code: 4, v6: false });
});

test('decode: outer IPv4 fragments are noted; the later fragment is not VXLAN', (t) => {
  const inner = innerPing();
  const u = udp(40000, 8472, vxlan(1, inner));
  const firstPart = u.subarray(0, 24);
  const rest = u.subarray(24);
  const f1 = eth(MAC_B, MAC_A, 0x0800, ipv4({ src: UL_A, dst: UL_B, proto: 17, payload: firstPart, mf: true, id: 77 }));
  const f2 = eth(MAC_B, MAC_A, 0x0800, ipv4({ src: UL_A, dst: UL_B, proto: 17, payload: rest, fragOffset: 24, id: 77 }));
  const d1 = decodePacket(f1);
  t.like(d1.outer.ip, { moreFragments: true, fragmentOffset: 0, id: 77 });
  t.is(d1.vxlan?.vni, 1);
  const d2 = decodePacket(f2);
  t.like(d2.outer.ip, { moreFragments: false, fragmentOffset: 24 });
  t.is(d2.outer.udp, undefined);
  t.is(d2.vxlan, undefined);
  const s = summarizePcapBuffer(pcapFile([f1, f2].map((data) => ({ sec: T0, frac: 0, data }))));
  t.is(s.outerIpv4Fragments, 2);
  t.is(s.vxlanPackets, 1);
  t.is(s.nonVxlanPackets, 1);
  t.is(s.flows[0]!.outerFragments, 1);
});

test('decode: frames too short for a header say so instead of throwing', (t) => {
  t.is(decodePacket(Buffer.alloc(10)).short, 'frame ends 10 bytes into the outer ethernet header at byte 0 of the frame (needs 14)');
  const ipCut = eth(MAC_B, MAC_A, 0x0800, Buffer.alloc(6));
  t.is(decodePacket(ipCut).short, 'frame ends 6 bytes into the outer ipv4 header at byte 14 of the frame (needs 20)');
  const tagCut = Buffer.concat([mac(MAC_B), mac(MAC_A), u16(0x8100), u16(5)]);
  t.regex(decodePacket(tagCut).short ?? '', /outer 802\.1Q tag/);
  const vxCut = eth(MAC_B, MAC_A, 0x0800, ipv4({ src: UL_A, dst: UL_B, proto: 17, payload: udp(1, 8472, Buffer.alloc(3)) }));
  t.is(decodePacket(vxCut).short, 'frame ends 3 bytes into the vxlan header at byte 42 of the frame (needs 8)');
  const badIp = eth(MAC_B, MAC_A, 0x0800, Buffer.alloc(20));
  t.is(decodePacket(badIp).short, 'malformed outer ipv4 (bad version or header length) header at byte 14 of the frame');
  const arpCut = eth(MAC_B, MAC_A, 0x0806, arp(1, MAC_A, UL_A, MAC_B, UL_B).subarray(0, 20));
  t.regex(decodePacket(arpCut).short ?? '', /into the outer arp header at byte 14 of the frame \(needs 28\)/);
  // The summary counts them and keeps going.
  const s = summarizePcapBuffer(pcapFile([Buffer.alloc(10), ipCut, vxCut].map((data) => ({ sec: T0, frac: 0, data }))));
  t.is(s.packets, 3);
  t.is(s.shortFrames, 3);
  t.is(s.examples.length, 3);
  t.is(s.nonVxlanPackets, 3);
});

test('decode: Linux cooked captures (SLL and SLL2) and raw IP', (t) => {
  const ip = ipv4({ src: UL_A, dst: UL_B, proto: 17, payload: udp(40000, 8472, vxlan(1, innerPing())) });
  const sll = Buffer.concat([u16(0), u16(1), u16(6), mac(MAC_A), u16(0), u16(0x0800), ip]);
  const sll2 = Buffer.concat([u16(0x0800), u16(0), u32(2), u16(1), Buffer.from([0, 6]), mac(MAC_A), u16(0), ip]);
  for (const [linkType, frame] of [
    [113, sll],
    [276, sll2],
    [101, ip],
  ] as const) {
    const s = summarizePcapBuffer(pcapFile([{ sec: T0, frac: 0, data: frame }], { linkType }));
    t.is(s.vxlanPackets, 1, `linktype ${linkType}`);
    t.deepEqual(s.flows[0]?.vnis, [1]);
    t.is(s.innerProtocols.icmp, 1);
  }
  t.is(decodePacket(sll, 113).outer.eth?.src, MAC_A);
  t.is(decodePacket(sll2, 276).outer.eth?.src, MAC_A);
  const other = summarizePcapBuffer(pcapFile([{ sec: T0, frac: 0, data: ip }], { linkType: 147 }));
  t.is(other.unsupportedLinkPackets, 1);
  t.is(other.nonVxlanPackets, 1);
});

// ---------------------------------------------------------------------------------------------
// pcapng

test('pcapng: sections in both byte orders, ns and µs interfaces, EPB, SPB, unknown blocks skipped', (t) => {
  const recs = referenceRecords(false);
  const tsNs = BigInt(T0) * 1_000_000_000n + 123_456_789n; // above 2^53: needs exact arithmetic
  const ng = new Ng()
    .shb(true)
    .idb(1, 65535, { tsresol: 9, name: 'ul0' })
    .idb(1, 65535) // default resolution: microseconds
    .block(0x00000bad, Buffer.alloc(8)) // unknown
    .epb(0, tsNs, recs[0]!.data)
    .epb(1, BigInt(T0) * 1_000_000n + 5n, recs[1]!.data)
    .block(5, Buffer.alloc(16)) // interface statistics: skipped
    .shb(false) // a new section, big-endian, with its own interfaces
    .idb(1, 96, { tsresol: 6 })
    .epb(0, BigInt(T0 + 1) * 1_000_000n, recs[2]!.data)
    .spb(recs[3]!.data.subarray(0, 96), recs[3]!.data.length);
  const { packets, result } = collect(ng.bytes());
  t.is(result.format, 'pcapng');
  t.is(result.byteOrder, 'little');
  t.deepEqual(
    result.interfaces.map((i) => [i.linkType, i.snaplen, i.tsResolution, i.name]),
    [
      [1, 65535, 'ns', 'ul0'],
      [1, 65535, 'us', undefined],
      [1, 96, 'us', undefined],
    ],
  );
  t.is(packets.length, 4);
  t.is(packets[0]!.timestampNs, tsNs);
  t.is(packets[0]!.tsSec, T0);
  t.is(packets[0]!.tsNsec, 123_456_789);
  t.is(packets[1]!.interfaceId, 1);
  t.is(packets[1]!.tsNsec, 5000);
  t.is(packets[2]!.tsSec, T0 + 1);
  t.true(packets[2]!.data.equals(recs[2]!.data));
  // The Simple Packet Block: cut to the interface's snap length, no timestamp.
  t.is(packets[3]!.caplen, 96);
  t.is(packets[3]!.origlen, recs[3]!.data.length);
  t.true(packets[3]!.truncated);
  t.is(packets[3]!.tsSec, 0);
  t.is(packets[0]!.offset, 28 + 40 + 20 + 20); // SHB, IDB with if_name + if_tsresol + end of options, IDB, unknown block
  const s = summarizePcapBuffer(ng.bytes());
  t.is(s.packets, 4);
  t.is(s.vxlanPackets, 3);
  t.is(s.arp.outer.requests, 1);
  t.is(s.arp.inner.packets, 2);
});

test('pcapng: if_tsresol 2^-20 and 10^-3, and if_tsoffset', (t) => {
  const data = referenceRecords(false)[0]!.data;
  const ng = new Ng()
    .shb(true)
    .idb(1, 0, { tsresol: 0x80 | 20 })
    .idb(1, 0, { tsresol: 3, tsoffset: 1000n })
    .epb(0, (10n << 20n) | (1n << 19n), data) // 10.5 s
    .epb(1, 2500n, data); // 2.5 s + 1000 s offset
  const { packets, result } = collect(ng.bytes());
  t.deepEqual(
    result.interfaces.map((i) => i.tsResolution),
    ['2^-20 s', 'ms'],
  );
  t.is(packets[0]!.tsSec, 10);
  t.is(packets[0]!.tsNsec, 500_000_000);
  t.is(packets[1]!.tsSec, 1002);
  t.is(packets[1]!.tsNsec, 500_000_000);
});

// ---------------------------------------------------------------------------------------------
// Corrupt and cut-short files

test('errors: not a capture file', (t) => {
  const e = errorOf(() => collect(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')));
  t.is(e.message, '(buffer): byte 0: not a pcap or pcapng file (magic 0x47455420; pcap starts with a1b2c3d4 or a1b23c4d in either byte order, pcapng with 0a0d0d0a)');
  t.is(e.offset, 0);
  t.is(e.exitCode, 2);
  t.is(errorOf(() => collect(Buffer.alloc(0))).message, '(buffer): byte 0: expected a pcap or pcapng file header, found an empty file');
  const header = pcapFile([]);
  t.is(errorOf(() => collect(header.subarray(0, 10))).message, '(buffer): byte 0: expected a pcap file header of 24 bytes, found 10 (file truncated?)');
  const badVersion = Buffer.from(header);
  badVersion.writeUInt16LE(3, 4);
  t.is(errorOf(() => collect(badVersion)).message, '(buffer): byte 4: expected pcap version 2.x, found 3.4');
});

test('errors: a pcap file cut inside a record header names the byte and the packets before it', (t) => {
  const recs = referenceRecords(false);
  const file = pcapFile(recs.slice(0, 2));
  const firstLen = recs[0]!.data.length;
  // Cut 7 bytes into the second record's 16-byte header.
  const cut = file.subarray(0, 24 + 16 + firstLen + 7);
  const e = errorOf(() => collect(cut));
  t.is(e.offset, 24 + 16 + firstLen);
  t.true(e.truncated);
  t.is(e.packetsBefore, 1);
  t.true(e.message.startsWith(`(buffer): byte ${24 + 16 + firstLen}: expected a packet record header of 16 bytes, found 7 (file truncated?)`), e.message);
  t.regex(e.message, /; 1 whole packet before it \(allowTruncatedTail \/ --allow-truncated-tail reads them\)$/);
  // The minimal case from the issue: a header and 7 bytes.
  t.true(errorOf(() => collect(Buffer.concat([pcapFile([]), Buffer.alloc(7)]))).message.startsWith('(buffer): byte 24: expected a packet record header of 16 bytes, found 7 (file truncated?)'));
});

test('errors: a pcap file cut inside the packet data; allowTruncatedTail reads what is whole', (t) => {
  const recs = referenceRecords(false);
  const file = pcapFile(recs);
  const cut = file.subarray(0, file.length - 5);
  const lastLen = recs[6]!.data.length;
  const recordAt = file.length - 16 - lastLen;
  const e = errorOf(() => collect(cut));
  t.is(e.offset, recordAt);
  t.is(e.packetsBefore, 6);
  t.regex(e.message, new RegExp(`^\\(buffer\\): byte ${recordAt}: expected a packet record of ${16 + lastLen} bytes \\(16-byte header \\+ ${lastLen} bytes of packet data\\), found ${16 + lastLen - 5} \\(file truncated\\?\\)`));
  const { packets, result } = collect(cut, { allowTruncatedTail: true });
  t.is(packets.length, 6);
  t.is(result.bytes, recordAt);
  t.is(result.warnings.length, 1);
  t.regex(result.warnings[0]!, new RegExp(`byte ${recordAt}: .*read the 6 whole packets before it$`));
  const s = summarizePcapBuffer(cut, { allowTruncatedTail: true });
  t.is(s.packets, 6);
  t.is(s.warnings.length, 1);
});

test('errors: a corrupt pcap record length', (t) => {
  const file = Buffer.from(pcapFile(referenceRecords(false)));
  file.writeUInt32LE(0x7fffffff, 24 + 8); // first record's captured length
  const e = errorOf(() => collect(file));
  t.is(e.offset, 32);
  t.false(e.truncated);
  t.is(e.message, '(buffer): byte 32: expected a captured length of at most 262144 (packet 1, record at byte 24), found 2147483647 (file corrupt?)');
});

test('errors: pcapng cut short, mismatched block lengths, unknown interface, bad byte-order magic', (t) => {
  const data = referenceRecords(false)[1]!.data;
  const good = new Ng().shb(true).idb(1, 0).epb(0, 1n, data).epb(0, 2n, data).bytes();
  const secondAt = 28 + 20 + (32 + Math.ceil(data.length / 4) * 4);
  const cut = good.subarray(0, good.length - 3);
  const e = errorOf(() => collect(cut));
  t.is(e.offset, secondAt);
  t.is(e.packetsBefore, 1);
  t.regex(e.message, new RegExp(`^\\(buffer\\): byte ${secondAt}: expected a block of ${good.length - secondAt} bytes, found ${good.length - secondAt - 3} \\(file truncated\\?\\)`));
  t.is(errorOf(() => collect(good.subarray(0, secondAt + 5))).message.split(';')[0], `(buffer): byte ${secondAt}: expected a block header of 12 bytes, found 5 (file truncated?)`);
  t.is(collect(cut, { allowTruncatedTail: true }).packets.length, 1);

  const badTrailer = Buffer.from(good);
  badTrailer.writeUInt32LE(999, 28 + 20 - 4); // the IDB's trailing length
  t.is(errorOf(() => collect(badTrailer)).message, '(buffer): byte 44: expected the total length of the Interface Description Block (type 0x00000001) at byte 28 repeated (20), found 999 (file corrupt?)');

  const badIf = new Ng().shb(true).idb(1, 0).epb(3, 1n, data).bytes();
  t.is(errorOf(() => collect(badIf)).message, '(buffer): byte 56: expected an interface id below 1 (the interfaces described so far in this section), found 3 (file corrupt?)');

  const badBom = Buffer.from(good);
  badBom.writeUInt32LE(0x12345678, 8);
  t.is(errorOf(() => collect(badBom)).message, '(buffer): byte 8: expected the pcapng byte-order magic 1a2b3c4d, found 0x12345678');

  const badLen = Buffer.from(good);
  badLen.writeUInt32LE(22, 28 + 4);
  t.regex(errorOf(() => collect(badLen)).message, /^\(buffer\): byte 32: expected a block total length that is a multiple of 4 between 12 and \d+ \(Interface Description Block \(type 0x00000001\) at byte 28\), found 22 \(file corrupt\?\)$/);
});

// ---------------------------------------------------------------------------------------------
// Files: streaming in small chunks gives the same as reading all at once

const dir = mkdtempSync(join(tmpdir(), 'pcap-reader-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('files: tiny chunks, records straddling chunks and larger than a chunk', async (t) => {
  const recs = [...referenceRecords(true), { sec: T0 + 3, frac: 1, data: vxlanFrame(UL_A, UL_B, 1, eth(POD_B, POD_A, 0x0800, ipv4({ src: '10.217.0.22', dst: '10.217.1.30', proto: 17, payload: udp(1, 2, Buffer.alloc(1400)) }))) }];
  const pcap = join(dir, 'ref.pcap');
  writeFileSync(pcap, pcapFile(recs, { le: false, nano: true }));
  const ngFile = join(dir, 'ref.pcapng');
  const ng = new Ng().shb(false).idb(1, 0, { tsresol: 9 });
  recs.forEach((r) => ng.epb(0, BigInt(r.sec) * 1_000_000_000n + BigInt(r.frac), r.data));
  writeFileSync(ngFile, ng.bytes());
  for (const file of [pcap, ngFile]) {
    const all: string[] = [];
    const res = await forEachPacket(file, (p) => all.push(`${p.index} ${p.offset} ${p.timestampNs} ${p.data.toString('hex')}`));
    t.is(res.packets, recs.length);
    for (const chunkSize of [64, 100, 333]) {
      const small: string[] = [];
      await forEachPacket(file, (p) => small.push(`${p.index} ${p.offset} ${p.timestampNs} ${p.data.toString('hex')}`), { chunkSize });
      t.deepEqual(small, all, `${file} chunk ${chunkSize}`);
    }
    // readPackets: separate objects whose views stay valid.
    const viaGen: PcapPacket[] = [];
    const gen = readPackets(file, { chunkSize: 128 });
    let r = await gen.next();
    while (!r.done) {
      viaGen.push(r.value);
      r = await gen.next();
    }
    t.is(r.value.packets, recs.length);
    t.deepEqual(
      viaGen.map((p) => `${p.index} ${p.offset} ${p.timestampNs} ${p.data.toString('hex')}`),
      all,
    );
    const s = await summarizePcap(file, { chunkSize: 64 });
    t.is(s.packets, recs.length);
    t.is(s.maxInnerFrameLength, 14 + 20 + 8 + 1400);
  }
  // A cut file read in chunks reports the same offset.
  const cutFile = join(dir, 'cut.pcap');
  const full = pcapFile(recs);
  writeFileSync(cutFile, full.subarray(0, 24 + 16 + recs[0]!.data.length + 7));
  const e = await t.throwsAsync(forEachPacket(cutFile, () => undefined, { chunkSize: 64 }), { instanceOf: PcapError });
  t.true(e!.message.startsWith(`${cutFile}: byte ${24 + 16 + recs[0]!.data.length}: expected a packet record header of 16 bytes, found 7 (file truncated?)`), e!.message);
});

test('cli: overlab pcap prints the summary, --json, and exits 2 with the offset for a bad file', async (t) => {
  const run = promisify(execFile);
  const main = join(process.cwd(), 'dist/harness/cli/main.js');
  const file = join(dir, 'cli.pcap');
  writeFileSync(file, pcapFile(referenceRecords(false)));
  const text = await run(process.execPath, [main, 'pcap', file]);
  t.regex(text.stdout, /VXLAN flows per VTEP pair/);
  t.regex(text.stdout, /10\.169\.72\.36\s+10\.169\.72\.127\s+1\s/);
  const json = JSON.parse((await run(process.execPath, [main, 'pcap', file, '--json', '--vxlan-port', '8472'])).stdout) as { vxlanPackets: number; vxlanPorts: number[] };
  t.is(json.vxlanPackets, 5);
  t.deepEqual(json.vxlanPorts, [8472]);
  const bad = join(dir, 'bad.pcap');
  writeFileSync(bad, Buffer.concat([pcapFile([]), Buffer.alloc(7)]));
  const err = await run(process.execPath, [main, 'pcap', bad]).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  t.is(err?.code, 2);
  t.regex(err?.stderr ?? '', /byte 24: expected a packet record header of 16 bytes, found 7 \(file truncated\?\)/);
  const tolerated = await run(process.execPath, [main, 'pcap', bad, '--allow-truncated-tail']);
  t.regex(tolerated.stderr, /warning: .*byte 24/);
  const notPort = await run(process.execPath, [main, 'pcap', file, '--vxlan-port', 'x']).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  t.is(notPort?.code, 2);
});
