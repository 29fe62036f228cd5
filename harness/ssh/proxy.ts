// A proxy command's stdin and stdout as the one duplex stream ssh2 runs a connection over.
import { Duplex } from 'node:stream';
import type { Started } from '../core/process.js';

export function proxyStream(p: Started): Duplex {
  const { stdin, stdout } = p.child;
  if (!stdin || !stdout) throw new Error('proxy command started without pipes');
  const stream = Duplex.from({ readable: stdout, writable: stdin });
  // ssh2 closes the socket when it is done; the proxy then sees EOF and exits.
  stream.on('error', () => undefined);
  return stream;
}
