// SSH's failures, one class each, so callers and tests tell them apart, and each message names
// the host (inventory name and user@address:port) and the fix. All are HarnessErrors: exit 2.
import { HarnessError } from '../core/errors.js';

export interface SshEndpoint {
  /** The scenario's (inventory's) name for the host. */
  name: string;
  address: string;
  port: number;
  user: string;
}

export const describeEndpoint = (e: SshEndpoint): string => `${e.name} (${e.user}@${e.address}:${e.port})`;

export class SshError extends HarnessError {
  readonly host: string;
  constructor(endpoint: SshEndpoint, message: string, options?: { cause?: unknown }) {
    super(`ssh ${describeEndpoint(endpoint)}: ${message}`, { node: endpoint.name }, options);
    this.host = endpoint.name;
  }
}

/** Nothing listens on the port (ECONNREFUSED), or the proxy command ended before SSH began. */
export class SshRefusedError extends SshError {}
/** No answer within the connect timeout (an address nobody has, a dropped SYN, a silent proxy). */
export class SshUnreachableError extends SshError {}
/** The server rejected every credential offered. */
export class SshAuthError extends SshError {}
/** The host key is not the one known_hosts holds for the host, or the host is not known. */
export class SshHostKeyError extends SshError {}
/** A command ran past its timeout (it was ended, and its channel closed). */
export class SshTimeoutError extends SshError {}
/** The connection broke while it was in use. */
export class SshConnectionLostError extends SshError {}
