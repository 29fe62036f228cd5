// Netlink framing: the message header, fixed family headers and (nested) attributes, in host
// byte order, written as little-endian (x86_64 and arm64; addon.ts keeps big-endian hosts on the
// iproute2 path), and the parsing of the two answers the harness reads back: an ack or error,
// and a link.
import { IFLA_IFNAME, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_ERROR, NLMSGERR_ATTR_MSG } from './constants.js';

const align4 = (n: number): number => (n + 3) & ~3;

/** One scratch buffer for every body being built; bodies are built one at a time, synchronously. */
let scratch: Buffer = Buffer.alloc(64 * 1024);
let scratchInUse = false;

/** Gives the scratch buffer back after a writer was abandoned part-way (its line was refused). */
export function abandonBodies(): void {
  scratchInUse = false;
}

/**
 * Builds one request body (family header, then attributes) into a single buffer. Device names
 * whose ifindex is only known in the namespace at send time are left as zeros at recorded
 * offsets (`links`), so a line is encoded once, ahead of time, and patched when sent.
 * Encoding happens ~13,000 times in a 50 x 4 boot: it writes into a shared scratch buffer and
 * copies the result out once, so the garbage collector has little to do.
 */
export class BodyWriter {
  private buf: Buffer;
  private length = 0;
  private readonly ownsScratch: boolean;
  readonly links: { offset: number; name: string }[] = [];

  constructor() {
    this.ownsScratch = !scratchInUse;
    if (this.ownsScratch) {
      scratchInUse = true;
      this.buf = scratch;
    } else this.buf = Buffer.alloc(1024);
  }

  /** A fixed family header (ifinfomsg, ifaddrmsg, rtmsg, ndmsg): `size` bytes, filled by `fill`. */
  header(size: number, fill: (b: Buffer, at: number) => void): this {
    const at = this.reserve(size);
    fill(this.buf, at);
    return this;
  }

  /** An attribute whose payload is these bytes (addresses, MACs). */
  bytes(type: number, payload: ArrayLike<number>): this {
    const at = this.attrHeader(type, payload.length);
    for (let i = 0; i < payload.length; i++) this.buf[at + 4 + i] = payload[i]!;
    this.pad();
    return this;
  }

  u8(type: number, v: number): this {
    const at = this.attrHeader(type, 1);
    this.buf[at + 4] = v;
    this.pad();
    return this;
  }

  u32(type: number, v: number): this {
    const at = this.attrHeader(type, 4);
    this.buf.writeUInt32LE(v >>> 0, at + 4);
    return this;
  }

  /** Network byte order, as the VXLAN port attribute wants it. */
  be16(type: number, v: number): this {
    const at = this.attrHeader(type, 2);
    this.buf.writeUInt16BE(v, at + 4);
    this.pad();
    return this;
  }

  cstring(type: number, s: string): this {
    const size = Buffer.byteLength(s, 'utf8') + 1;
    const at = this.attrHeader(type, size);
    this.buf.write(s, at + 4, 'utf8');
    this.pad();
    return this;
  }

  /** A u32 attribute holding the ifindex of `name`, filled in at send time. */
  ifindex(type: number, name: string): this {
    const at = this.attrHeader(type, 4);
    this.links.push({ offset: at + 4, name });
    return this;
  }

  /** Records that the u32 at `offset` of the body (inside a family header) is `name`'s ifindex. */
  ifindexAt(offset: number, name: string): this {
    this.links.push({ offset, name });
    return this;
  }

  nest(type: number, inner: (w: this) => void): this {
    const at = this.reserve(4);
    inner(this);
    this.buf.writeUInt16LE(this.length - at, at);
    this.buf.writeUInt16LE(type, at + 2);
    return this;
  }

  /** The body, copied out of the scratch buffer; the writer cannot be used after this. */
  done(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buf.copy(out, 0, 0, this.length);
    if (this.ownsScratch) {
      scratch = this.buf; // it may have grown
      scratchInUse = false;
    }
    return out;
  }

  private attrHeader(type: number, payloadLength: number): number {
    const at = this.reserve(4 + payloadLength);
    this.buf.writeUInt16LE(4 + payloadLength, at);
    this.buf.writeUInt16LE(type, at + 2);
    return at;
  }

  private pad(): void {
    this.reserve(align4(this.length) - this.length);
  }

  /** `size` zeroed bytes at the end; returns their offset. */
  private reserve(size: number): number {
    if (this.length + size > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.length + size));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    const at = this.length;
    this.buf.fill(0, at, at + size);
    this.length += size;
    return at;
  }
}

export interface Request {
  type: number;
  flags: number;
  /** The family header (ifinfomsg, ifaddrmsg, rtmsg, ndmsg) followed by the attributes. */
  body: Buffer;
}

/** Writes the 16-byte nlmsghdr and the body into `out` at `offset`; returns the bytes written. */
export function frameInto(out: Buffer, offset: number, request: Request, seq: number): number {
  const len = 16 + request.body.length;
  out.writeUInt32LE(len, offset);
  out.writeUInt16LE(request.type, offset + 4);
  out.writeUInt16LE(request.flags, offset + 6);
  out.writeUInt32LE(seq >>> 0, offset + 8);
  out.writeUInt32LE(0, offset + 12);
  request.body.copy(out, offset + 16);
  return align4(len);
}

/** struct ifinfomsg: 16 bytes, the ifindex at offset 4. */
export const ifinfomsg =
  (index: number, flags = 0, change = 0, family = 0) =>
  (b: Buffer, at: number): void => {
    b[at] = family;
    b.writeInt32LE(index, at + 4);
    b.writeUInt32LE(flags, at + 8);
    b.writeUInt32LE(change, at + 12);
  };

/** struct ifaddrmsg: 8 bytes, the ifindex at offset 4. */
export const ifaddrmsg =
  (family: number, prefixlen: number, scope: number) =>
  (b: Buffer, at: number): void => {
    b[at] = family;
    b[at + 1] = prefixlen;
    b[at + 3] = scope;
  };

/** struct rtmsg: 12 bytes. */
export const rtmsg =
  (m: { family: number; dstLen: number; table: number; protocol: number; scope: number; type: number; flags: number }) =>
  (b: Buffer, at: number): void => {
    b[at] = m.family;
    b[at + 1] = m.dstLen;
    b[at + 4] = m.table;
    b[at + 5] = m.protocol;
    b[at + 6] = m.scope;
    b[at + 7] = m.type;
    b.writeUInt32LE(m.flags, at + 8);
  };

/** struct ndmsg: 12 bytes, the ifindex at offset 4. */
export const ndmsg =
  (family: number, state: number, flags: number) =>
  (b: Buffer, at: number): void => {
    b[at] = family;
    b.writeUInt16LE(state, at + 8);
    b[at + 10] = flags;
  };

export interface Reply {
  type: number;
  seq: number;
  /** For NLMSG_ERROR: 0 is an ack, otherwise a negative errno. */
  error?: number;
  /** The kernel's extended-ack message, when it gave one. */
  extack?: string;
  /** For a link: its ifindex and name. */
  link?: { index: number; name?: string };
}

/** Every message in one datagram from the kernel. */
export function parseReplies(buf: Buffer): Reply[] {
  const replies: Reply[] = [];
  let off = 0;
  while (off + 16 <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < 16 || off + len > buf.length) throw new Error(`netlink: malformed reply (message of ${len} bytes at offset ${off} of ${buf.length})`);
    const type = buf.readUInt16LE(off + 4);
    const flags = buf.readUInt16LE(off + 6);
    const seq = buf.readUInt32LE(off + 8);
    const payload = buf.subarray(off + 16, off + len);
    if (type === NLMSG_ERROR) replies.push({ type, seq, ...parseError(payload, flags) });
    else replies.push({ type, seq, link: parseLink(payload) });
    off += align4(len);
  }
  return replies;
}

function parseError(payload: Buffer, flags: number): { error: number; extack?: string } {
  const error = payload.readInt32LE(0);
  if (!(flags & NLM_F_ACK_TLVS)) return { error };
  // The request follows the errno (only its header when capped), then the TLVs.
  const requestLen = payload.readUInt32LE(4);
  const tlvStart = 4 + (flags & NLM_F_CAPPED ? 16 : align4(requestLen));
  for (const [type, value] of attributes(payload.subarray(tlvStart))) {
    if (type === NLMSGERR_ATTR_MSG) return { error, extack: value.toString('utf8').replace(/\0.*$/s, '') };
  }
  return { error };
}

function parseLink(payload: Buffer): { index: number; name?: string } | undefined {
  if (payload.length < 16) return undefined;
  const index = payload.readInt32LE(4);
  for (const [type, value] of attributes(payload.subarray(16))) {
    if (type === IFLA_IFNAME) return { index, name: value.toString('utf8').replace(/\0.*$/s, '') };
  }
  return { index };
}

export function* attributes(buf: Buffer): Generator<[number, Buffer]> {
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > buf.length) return;
    yield [buf.readUInt16LE(off + 2) & 0x3fff, buf.subarray(off + 4, off + len)];
    off += align4(len);
  }
}
