// The pcap reader against tshark on real captures: two namespaces joined by a veth, a VXLAN
// device in each (id 0, dstport 8472, learning), tcpdump on the veth in both namespaces (one
// with microsecond, one with nanosecond timestamps), pings over the overlay (a couple with DF
// near the MTU), a TCP connect to a closed port and a UDP datagram (inner TCP, UDP, ICMP), ARP
// on both levels by itself. Each file, and its pcapng conversion (editcap), must give the same
// VNIs, per-flow packet counts, ARP counts, largest outer IP length, inner protocols and every
// timestamp as tshark reading the same file.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRunner } from '../../harness/core/command.js';
import { startTcpdump, type Started } from '../../bench/capture.js';
import { createVxlanPair, type VxlanPair } from '../../bench/vxlan-pair.js';
import { findTool } from '../../harness/providers/preflight.js';
import { forEachPacket } from '../../harness/pcap/reader.js';
import { summarizePcap, type PcapSummary } from '../../harness/pcap/summary.js';
import { prereqTest } from './_env.js';

const isRoot = process.getuid?.() === 0;
const runner = new LocalRunner();

/** What tshark says about a file, in the summary's terms. */
interface TsharkView {
  packets: number;
  vnis: number[];
  /** "src>dst" -> packets, max outer ip.len, max inner frame length (udp.length - 16). */
  flows: Record<string, { packets: number; maxIpLen: number; maxInner: number }>;
  outerArp: { requests: number; replies: number };
  innerArp: { requests: number; replies: number };
  inner: { arp: number; icmp: number; udp: number; tcp: number; other: number };
  nonVxlan: number;
  fragments: number;
  timestamps: string[];
}

async function tsharkView(file: string): Promise<TsharkView> {
  const fields = ['frame.time_epoch', 'ip.src', 'ip.dst', 'ip.len', 'vxlan.vni', 'arp.opcode', 'tcp.flags', 'icmp.type', 'udp.length', 'ip.flags.mf', 'ip.frag_offset'];
  const r = await runner.run(['tshark', '-n', '-r', file, '-d', 'udp.port==8472,vxlan', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])], {
    timeoutMs: 60_000,
  });
  const view: TsharkView = {
    packets: 0,
    vnis: [],
    flows: {},
    outerArp: { requests: 0, replies: 0 },
    innerArp: { requests: 0, replies: 0 },
    inner: { arp: 0, icmp: 0, udp: 0, tcp: 0, other: 0 },
    nonVxlan: 0,
    fragments: 0,
    timestamps: [],
  };
  const vnis = new Set<number>();
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    const cols = line.split('\t').map((c) => (c === '' ? [] : c.split(',')));
    const [ts, src, dst, len, vni, op, tcpFlags, icmpType, udpLen, mf, fragOff] = cols;
    view.packets++;
    view.timestamps.push(ts![0]!);
    if (mf?.[0] === '1' || (fragOff?.[0] !== undefined && fragOff[0] !== '0')) view.fragments++;
    const arpOp = op?.[0];
    if (!vni?.length) {
      view.nonVxlan++;
      if (arpOp === '1') view.outerArp.requests++;
      if (arpOp === '2') view.outerArp.replies++;
      continue;
    }
    vnis.add(Number(vni[0]));
    const key = `${src![0]}>${dst![0]}`;
    const flow = (view.flows[key] ??= { packets: 0, maxIpLen: 0, maxInner: 0 });
    flow.packets++;
    flow.maxIpLen = Math.max(flow.maxIpLen, Number(len![0]));
    flow.maxInner = Math.max(flow.maxInner, Number(udpLen![0]) - 16);
    if (arpOp !== undefined) {
      view.inner.arp++;
      if (arpOp === '1') view.innerArp.requests++;
      if (arpOp === '2') view.innerArp.replies++;
    } else if (icmpType?.length) view.inner.icmp++;
    else if (tcpFlags?.length) view.inner.tcp++;
    else if ((udpLen?.length ?? 0) >= 2) view.inner.udp++;
    else view.inner.other++;
  }
  view.vnis = [...vnis].sort((a, b) => a - b);
  return view;
}

function ourView(s: PcapSummary, timestamps: string[]): TsharkView {
  return {
    packets: s.packets,
    vnis: s.vnis.map((v) => v.vni),
    flows: Object.fromEntries(s.flows.map((f) => [`${f.src}>${f.dst}`, { packets: f.packets, maxIpLen: f.maxOuterIpTotalLength, maxInner: f.maxInnerFrameLength }])),
    outerArp: { requests: s.arp.outer.requests, replies: s.arp.outer.replies },
    innerArp: { requests: s.arp.inner.requests, replies: s.arp.inner.replies },
    inner: s.innerProtocols,
    nonVxlan: s.nonVxlanPackets,
    fragments: s.outerIpv4Fragments,
    timestamps,
  };
}

const liveMissing = [!isRoot && 'root (network namespaces)', ...['tcpdump', 'tshark', 'ip'].filter((tool) => !findTool(tool)).map((tool) => `${tool} (apt-get install ${tool === 'ip' ? 'iproute2' : tool})`)].filter((m): m is string => Boolean(m));

prereqTest('pcap reader: summary matches tshark on live VXLAN captures (pcap µs/ns, pcapng)', liveMissing, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pcapt-'));
  let pair: VxlanPair | undefined;
  const procs: Started[] = [];
  try {
    pair = await createVxlanPair();
    const p = pair;
    const a = (argv: string[]) => p.inNs(p.nsA, argv);
    const b = (argv: string[]) => p.inNs(p.nsB, argv);
    const fileA = join(dir, 'a-ul0.pcap');
    const fileB = join(dir, 'b-ul0-ns.pcap');
    const capA = await startTcpdump(a, p.underlayDev, fileA, { print: true });
    procs.push(capA);
    const capB = await startTcpdump(b, p.underlayDev, fileB, { print: true, nano: true });
    procs.push(capB);

    // Traffic. ARP (underlay and overlay) happens by itself before the first ping.
    await runner.run(a(['ping', '-n', '-c', '3', '-i', '0.01', p.overlayB]));
    await runner.run(b(['ping', '-n', '-c', '2', '-i', '0.01', p.overlayA]));
    // DF pings near the MTU: vx0 has 1450 (ul0's 1500 - 50), so 1422 + 8 + 20 fills it and the
    // outer IPv4 packet is exactly 1500. One byte more does not leave the host.
    await runner.run(a(['ping', '-n', '-c', '2', '-i', '0.01', '-M', 'do', '-s', '1422', p.overlayB]));
    await runner.run(b(['ping', '-n', '-c', '1', '-M', 'do', '-s', '1400', p.overlayA]));
    const tooBig = await runner.run(a(['ping', '-n', '-c', '1', '-M', 'do', '-s', '1423', p.overlayB]), { allowFailure: true });
    t.not(tooBig.exitCode, 0, 'a DF ping above the overlay MTU is refused locally');
    // Inner TCP (a SYN to a closed port, answered by RST) and inner UDP (answered by ICMP port unreachable).
    await runner.run(a([process.execPath, '-e', `require('net').connect(80, '${p.overlayB}').on('error', () => process.exit(0)).on('connect', () => process.exit(1))`]), { timeoutMs: 10_000 });
    await runner.run(a([process.execPath, '-e', `const s = require('dgram').createSocket('udp4'); s.send(Buffer.alloc(10), 9, '${p.overlayB}', () => s.close())`]), { timeoutMs: 10_000 });
    // A marker on the underlay, last: once both captures print its reply, everything before it is in the files.
    await runner.run(a(['ping', '-n', '-c', '1', '-s', '1234', p.underlayB]));
    await Promise.all([capA, capB].map((c) => c.waitForLine(/ICMP echo reply.*length 1242/, 'the marker ping reply', 10_000)));
    for (const c of [capA, capB]) {
      const exit = await c.stop('SIGINT');
      t.is(exit.code, 0, `${c.argv.join(' ')}: ${c.stderr()}`);
    }

    const files = [fileA, fileB];
    if (findTool('editcap')) {
      for (const f of [fileA, fileB]) {
        await runner.run(['editcap', '-F', 'pcapng', f, `${f}ng`]);
        files.push(`${f}ng`);
      }
    } else t.log('editcap not installed: pcapng variants skipped');

    const views: TsharkView[] = [];
    for (const file of files) {
      const summary = await summarizePcap(file);
      const timestamps: string[] = [];
      await forEachPacket(file, (pk) => timestamps.push(`${pk.tsSec}.${String(pk.tsNsec).padStart(9, '0')}`));
      const ours = ourView(summary, timestamps);
      const theirs = await tsharkView(file);
      t.deepEqual(ours, theirs, file);
      t.log(`${file.replace(dir + '/', '')}: ${ours.packets} packets, flows ${JSON.stringify(ours.flows)}, inner ${JSON.stringify(ours.inner)}, ARP outer ${JSON.stringify(ours.outerArp)} inner ${JSON.stringify(ours.innerArp)}, first ${ours.timestamps[0]}`);
      t.is(summary.format, file.endsWith('ng') ? 'pcapng' : 'pcap');
      t.is(summary.interfaces[0]?.tsResolution, file.includes('-ns') ? 'ns' : 'us', file);
      views.push(ours);
    }
    // Sanity on what the traffic must have produced.
    const v = views[0]!;
    t.deepEqual(v.vnis, [0]);
    t.is(v.flows[`${p.underlayA}>${p.underlayB}`]?.maxIpLen, 1500);
    t.is(v.flows[`${p.underlayB}>${p.underlayA}`]?.maxIpLen, 1500);
    t.is(v.flows[`${p.underlayA}>${p.underlayB}`]?.maxInner, 1464);
    t.true(v.innerArp.requests >= 1 && v.innerArp.replies >= 1, JSON.stringify(v.innerArp));
    t.true(v.outerArp.requests >= 1 && v.outerArp.replies >= 1, JSON.stringify(v.outerArp));
    t.true(v.inner.icmp >= 3 + 3 + 2 + 2 + 1 + 1 + 1, JSON.stringify(v.inner)); // echo + replies, and the port unreachable
    t.true(v.inner.tcp >= 2, JSON.stringify(v.inner)); // SYN and RST
    t.true(v.inner.udp >= 1, JSON.stringify(v.inner));
    t.is(v.fragments, 0);
    // Both ends of the veth saw the same packets.
    const strip = (x: TsharkView) => ({ ...x, timestamps: x.timestamps.length });
    t.deepEqual(strip(views[1]!), strip(views[0]!));
  } finally {
    for (const proc of procs) await proc.stop('SIGKILL');
    await pair?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  const left = (await runner.run(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => pair && l.startsWith(pair.nsA.replace(/-a$/, '')));
  t.deepEqual(left, [], 'the test namespaces are gone');
}, { serial: true });

// A capture that dies before it listens is reported with tcpdump's own words (no namespace needed).
prereqTest('startTcpdump: a capture that cannot start says why', [!isRoot && 'root', !findTool('tcpdump') && 'tcpdump (apt-get install tcpdump)'].filter((m): m is string => Boolean(m)), async (t) => {
  const err = await t.throwsAsync(startTcpdump((argv) => argv, 'pcapt-no-such-dev0', '/dev/null'));
  t.regex(err!.message, /exited before tcpdump's "listening on".*pcapt-no-such-dev0/s);
}, { serial: true });
