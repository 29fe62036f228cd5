// Where and how to reach one host over SSH: what an inventory entry resolves to.
import type { SshEndpoint } from './errors.js';

export interface SshTarget extends SshEndpoint {
  /** A private key file (OpenSSH or PEM format). */
  privateKey?: string;
  /** The environment variable holding the key's passphrase, if it has one (never the passphrase itself). */
  passphraseEnv?: string;
  /** The environment variable holding a password (never the password itself in any file of ours). */
  passwordEnv?: string;
  /** An ssh-agent socket; defaults to $SSH_AUTH_SOCK when it is set. */
  agent?: string;
  /**
   * A local command whose stdin/stdout carry the SSH connection, as OpenSSH's ProxyCommand (for a
   * jump host, or a management network reached from inside a namespace).
   */
  proxyCommand?: string[];
  knownHosts: string;
  /** Record a host's first key (OpenSSH's StrictHostKeyChecking=accept-new); a changed key still fails. */
  acceptNew: boolean;
  connectTimeoutMs: number;
  /** Run commands through `sudo -n` (a non-root user with passwordless sudo). */
  sudo: boolean;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
