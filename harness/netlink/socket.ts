// One rtnetlink socket in one namespace, spoken synchronously. The kernel handles rtnetlink
// requests inside the write(2) and queues any answer before it returns, so reads never wait.
// Requests are queued and written many to a write, and only the last asks for an ack: the
// kernel answers a request without NLM_F_ACK only when it fails, and keeps going with the next
// one, so one read after the last ack finds every failure of the batch. That saves most of the
// syscalls and the JavaScript per request (~11,000 of them at 50 nodes x 4 pods).
import { closeSync, readSync, writeSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { IFLA_IFNAME, NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR, RTM_GETLINK, RTM_NEWLINK } from './constants.js';
import { BodyWriter, frameInto, ifinfomsg, parseReplies, type Reply, type Request } from './message.js';
import { resolveLinks, type LinkResolver, type Translated } from './translate.js';

/** The kernel refused a request: errno's name (EEXIST, ENODEV, ...) and its extended-ack text. */
export class KernelRefused extends Error {
  constructor(
    readonly errno: number,
    readonly extack: string | undefined,
    /** What the caller queued the failed request as. */
    readonly label?: string,
  ) {
    super(`${describeErrno(errno)}${extack ? `: ${extack}` : ''}`);
  }
}

export function describeErrno(errno: number): string {
  try {
    return getSystemErrorName(-Math.abs(errno));
  } catch {
    return `errno ${errno}`;
  }
}

/** Well under the socket's default send buffer (212 KiB), which bounds one write. */
const MAX_WRITE = 32 * 1024;

export class NetlinkSocket implements LinkResolver {
  private seq = 0;
  private readonly links = new Map<string, number>();
  private readonly input = Buffer.alloc(64 * 1024);
  private readonly output = Buffer.alloc(MAX_WRITE + 4096);
  private outputLength = 0;
  private pending: { seq: number; label: string; at: number }[] = [];

  constructor(private readonly fd: number) {}

  /** Queues a translated line (its devices looked up now); sent by flush() or when the batch is full. */
  queue(line: Translated, label: string): void {
    resolveLinks(line, this);
    if (line.changesLinks) this.links.clear();
    this.queueRequest(line, label);
  }

  /** Sends one request and waits for its ack; throws KernelRefused when the kernel says no. */
  request(request: Request, label = ''): void {
    this.queueRequest(request, label);
    this.flush();
  }

  /** Writes what is queued and throws KernelRefused (with its label) for the first request refused. */
  flush(): void {
    const batch = this.pending;
    const last = batch[batch.length - 1];
    if (!last) return;
    this.output.writeUInt16LE(this.output.readUInt16LE(last.at + 6) | NLM_F_ACK, last.at + 6);
    const length = this.outputLength;
    this.pending = [];
    this.outputLength = 0;
    this.write(this.output.subarray(0, length));
    const refused = new Map<number, Reply>();
    for (;;) {
      const replies = this.read();
      for (const r of replies) if (r.type === NLMSG_ERROR && r.error) refused.set(r.seq, r);
      if (replies.some((r) => r.seq === last.seq)) break;
    }
    const first = batch.find((b) => refused.has(b.seq));
    if (first) {
      const reply = refused.get(first.seq)!;
      throw new KernelRefused(reply.error!, reply.extack, first.label);
    }
  }

  ifindex(name: string): number {
    const known = this.links.get(name);
    if (known !== undefined) return known;
    this.flush(); // the device may be one a queued request creates
    const body = new BodyWriter().header(16, ifinfomsg(0)).cstring(IFLA_IFNAME, name).done();
    const reply = this.exchange({ type: RTM_GETLINK, flags: NLM_F_REQUEST, body });
    if (reply.error) throw new KernelRefused(reply.error, reply.extack ?? `no device named ${name}`);
    if (reply.type !== RTM_NEWLINK || !reply.link) throw new Error(`netlink: asked for link ${name}, got message type ${reply.type}`);
    this.links.set(name, reply.link.index);
    return reply.link.index;
  }

  close(): void {
    closeSync(this.fd);
  }

  private queueRequest(request: Request, label: string): void {
    if (this.outputLength + 16 + request.body.length > this.output.length) this.flush();
    if (16 + request.body.length > this.output.length) throw new Error(`netlink: a ${request.body.length}-byte request is too large`);
    const seq = ++this.seq;
    const at = this.outputLength;
    this.outputLength += frameInto(this.output, at, { ...request, flags: request.flags & ~NLM_F_ACK }, seq);
    this.pending.push({ seq, label, at });
    if (this.outputLength >= MAX_WRITE) this.flush();
  }

  private exchange(request: Request): Reply {
    const seq = ++this.seq;
    const out = Buffer.alloc(16 + request.body.length + 3);
    const length = frameInto(out, 0, request, seq);
    this.write(out.subarray(0, length));
    for (;;) {
      const mine = this.read().find((r) => r.seq === seq);
      if (mine) return mine.type === NLMSG_ERROR || mine.link ? mine : { ...mine, error: 0 };
    }
  }

  private write(message: Buffer): void {
    const written = writeSync(this.fd, message);
    if (written !== message.length) throw new Error(`netlink: wrote ${written} of ${message.length} bytes`);
  }

  private read(): Reply[] {
    const n = readSync(this.fd, this.input, 0, this.input.length, null);
    return parseReplies(this.input.subarray(0, n));
  }
}
