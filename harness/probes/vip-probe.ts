// The client's traffic probe, run as its own process inside the client host:
//   node vip-probe.js <vip> <udpPort> <intervalMs> <tcpPort> <tcpIntervalMs> <outFile>
// Every intervalMs one UDP datagram carries a sequence number; the echo comes back through the
// virtual server. Every tcpIntervalMs a TCP connect sends an HTTP/1.0 request and reads the
// serving pod's name from the response's body (pod-http.ts). Replies are
// printed as they come (`R <seq> <sentAt> <rttMs>`), so the harness can wait for convergence;
// every probe, answered or not, is written to outFile on SIGTERM.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { HTTP_REQUEST, podNameFromHttp } from './pod-http.js';

export interface ProbeRecord {
  proto: 'udp' | 'tcp';
  seq: number;
  /** Wall-clock ms (performance.timeOrigin based, sub-ms). */
  sentAt: number;
  rttMs: number | null;
  /** For TCP: the pod that answered. */
  server?: string;
}

const [vip, udpPortS, intervalS, tcpPortS, tcpIntervalS, outFile] = process.argv.slice(2);
if (!vip || !udpPortS || !intervalS || !tcpPortS || !tcpIntervalS || !outFile) {
  process.stderr.write('usage: vip-probe <vip> <udpPort> <intervalMs> <tcpPort> <tcpIntervalMs> <outFile>\n');
  process.exit(2);
}
const now = () => performance.timeOrigin + performance.now();
const records: ProbeRecord[] = [];
const udp = createSocket('udp4');
let seq = 0;
udp.on('message', (msg) => {
  const s = msg.readUInt32BE(0);
  const rec = records[s];
  if (rec && rec.rttMs === null) {
    rec.rttMs = now() - rec.sentAt;
    process.stdout.write(`R ${s} ${rec.sentAt.toFixed(3)} ${rec.rttMs.toFixed(3)}\n`);
  }
});
udp.on('error', () => undefined);
const sendUdp = () => {
  const buf = Buffer.alloc(16);
  buf.writeUInt32BE(seq, 0);
  buf.writeDoubleBE(now(), 4);
  records[seq] = { proto: 'udp', seq, sentAt: now(), rttMs: null };
  seq++;
  udp.send(buf, Number(udpPortS), vip, () => undefined);
};
const tcpRecords: ProbeRecord[] = [];
let tcpSeq = 0;
const sendTcp = () => {
  const rec: ProbeRecord = { proto: 'tcp', seq: tcpSeq++, sentAt: now(), rttMs: null };
  tcpRecords.push(rec);
  const sock = connect({ host: vip, port: Number(tcpPortS) }, () => sock.write(HTTP_REQUEST));
  let data = '';
  sock.setTimeout(1000, () => sock.destroy());
  sock.on('data', (d) => (data += d.toString()));
  sock.on('end', () => {
    rec.rttMs = now() - rec.sentAt;
    rec.server = podNameFromHttp(data);
  });
  sock.on('error', () => undefined);
};
const udpTimer = setInterval(sendUdp, Number(intervalS));
const tcpTimer = setInterval(sendTcp, Number(tcpIntervalS));
sendUdp();
process.on('SIGTERM', () => {
  clearInterval(udpTimer);
  clearInterval(tcpTimer);
  // Late replies to the last probes still count: wait one round trip's worth before writing.
  setTimeout(() => {
    writeFileSync(outFile, JSON.stringify([...records, ...tcpRecords]) + '\n');
    process.exit(0);
  }, 100);
});
