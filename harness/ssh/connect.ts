// Opens one authenticated SSH connection (ssh2), or fails with the typed error that says why:
// refused, unreachable, auth failed, host key unknown/changed/revoked. The host key is checked
// against known_hosts before any credential is sent; nothing is ever accepted blindly.
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import { startProcess, type Started } from '../core/process.js';
import { tail } from '../core/errors.js';
import { appendKnownHost, blobType, judgeHostKey, knownHostName, preferredHostKeyAlgorithms, readKnownHosts } from './known-hosts.js';
import { SshAuthError, SshError, SshHostKeyError, SshRefusedError, SshUnreachableError } from './errors.js';
import type { SshTarget } from './target.js';
import { proxyStream } from './proxy.js';

const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

export interface OpenConnection {
  client: ssh2.Client;
  /** The proxy command's process, when the connection runs over one. */
  proxy?: Started;
}

function credentials(t: SshTarget): { privateKey?: Buffer; passphrase?: string; password?: string; agent?: string; methods: string[] } {
  const methods: string[] = [];
  let privateKey: Buffer | undefined;
  if (t.privateKey) {
    try {
      privateKey = readFileSync(t.privateKey);
    } catch (e) {
      throw new SshAuthError(t, `cannot read the private key file ${t.privateKey} (${(e as NodeJS.ErrnoException).code ?? e}); fix the inventory's key path`);
    }
    methods.push(`key ${t.privateKey}`);
  }
  const agent = t.agent ?? process.env.SSH_AUTH_SOCK;
  if (agent) methods.push('ssh-agent');
  const password = t.passwordEnv ? process.env[t.passwordEnv] : undefined;
  if (t.passwordEnv && password === undefined) throw new SshAuthError(t, `the inventory names password variable ${t.passwordEnv}, which is not set; export it or use a key`);
  if (password !== undefined) methods.push(`password from $${t.passwordEnv}`);
  const passphrase = t.passphraseEnv ? process.env[t.passphraseEnv] : undefined;
  if (methods.length === 0) throw new SshAuthError(t, 'no credential: give the host a key (inventory: key), a password variable (passwordEnv) or run an ssh-agent (SSH_AUTH_SOCK)');
  return { privateKey, passphrase, password, agent, methods };
}

export function openConnection(t: SshTarget): Promise<OpenConnection> {
  const creds = credentials(t);
  const knownName = knownHostName(t.address, t.port);
  const known = readKnownHosts(t.knownHosts);
  const client = new ssh2.Client();
  const proxy = t.proxyCommand ? startProcess(t.proxyCommand, { stdin: 'pipe', stdout: 'pipe', stderr: 'lines' }) : undefined;
  const proxyErr: string[] = [];
  proxy?.onStderrLine((l) => proxyErr.length < 50 && proxyErr.push(l));
  let keyProblem: SshError | undefined;

  return new Promise<OpenConnection>((resolve, reject) => {
    let settled = false;
    const finish = (err: SshError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!err) return resolve({ client, proxy });
      client.end();
      void proxy?.stop('SIGTERM', 500);
      reject(err);
    };
    const proxyNote = () => (proxy && proxyErr.length ? `; the proxy command said: ${tail(proxyErr.join('\n'), 3)}` : '');
    // ssh2's own readyTimeout covers the handshake only once the socket is up; this covers it all.
    const timer = setTimeout(() => finish(new SshUnreachableError(t, `no SSH answer within ${t.connectTimeoutMs} ms${proxyNote()}; check the address and port, and that nothing drops the traffic`)), t.connectTimeoutMs);
    void proxy?.exited.then((exit) => {
      if (!settled) finish(new SshRefusedError(t, `the proxy command ${t.proxyCommand!.join(' ')} ended (${exit.error?.message ?? `exit ${exit.code ?? exit.signal}`}) before SSH began${proxyNote()}`));
    });
    client.on('ready', () => finish(undefined));
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (keyProblem) return finish(keyProblem);
      // Over a proxy, a write error (EPIPE) only says the proxy went away: its exit, which comes a
      // moment later, says why (socat: "Connection refused").
      if (proxy && err.level === 'client-socket') {
        const exited = proxy.exited.then((exit) => `the proxy command ${t.proxyCommand!.join(' ')} ended (${exit.error?.message ?? `exit ${exit.code ?? exit.signal}`}) before SSH began${proxyNote()}`);
        void Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 500, undefined))]).then((why) => finish(new SshRefusedError(t, why ?? `${err.message}${proxyNote()}`, { cause: err })));
        return;
      }
      if (err.level === 'client-authentication') {
        return finish(new SshAuthError(t, `authentication failed (tried ${creds.methods.join(', ')}); check the inventory's user and key, or the password variable`));
      }
      if (err.code === 'ECONNREFUSED') return finish(new SshRefusedError(t, `connection refused: nothing listens on port ${t.port}; start sshd there or fix the inventory's port`));
      if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'ETIMEDOUT' || err.level === 'client-timeout') {
        return finish(new SshUnreachableError(t, `unreachable (${err.code ?? err.message}); check the address and the route to it`));
      }
      finish(new SshRefusedError(t, `${err.message}${proxyNote()}`, { cause: err }));
    });
    let sock: Duplex | undefined;
    if (proxy) {
      if (proxy.pid === undefined) return; // exited reports it
      sock = proxyStream(proxy);
    }
    client.connect({
      host: t.address,
      port: t.port,
      username: t.user,
      sock,
      privateKey: creds.privateKey,
      passphrase: creds.passphrase,
      password: creds.password,
      agent: creds.agent,
      readyTimeout: t.connectTimeoutMs,
      // ssh2's protocol trace (packet kinds, never payloads or credentials), for diagnosing a host.
      debug: process.env.OVERLAB_SSH_DEBUG ? (line: string) => process.stderr.write(`[ssh ${t.name}] ${line}\n`) : undefined,
      // A dead peer is noticed within ~15 s instead of at the next command's timeout.
      keepaliveInterval: 5000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(known, knownName, HOST_KEY_ALGORITHMS) as ssh2.ServerHostKeyAlgorithm[] },
      hostVerifier: (blob: Buffer): boolean => {
        const v = judgeHostKey(known, knownName, blob);
        if (v.verdict === 'known') return true;
        if (v.verdict === 'revoked') keyProblem = new SshHostKeyError(t, `its ${blobType(blob)} host key is marked @revoked in ${t.knownHosts}:${v.line}; refusing to connect`);
        else if (v.verdict === 'mismatch') {
          keyProblem = new SshHostKeyError(t, `HOST KEY MISMATCH: it offered a ${blobType(blob)} key that is not the one ${t.knownHosts} holds for ${knownName} (lines ${v.lines.join(', ')}); if the host was reinstalled, remove those lines (ssh-keygen -R '${knownName}' -f ${t.knownHosts}) and connect again with --ssh-accept-new`);
        } else if (t.acceptNew) {
          appendKnownHost(t.knownHosts, knownName, blob);
          return true;
        } else {
          keyProblem = new SshHostKeyError(t, `host key not known: ${t.knownHosts} has no key for ${knownName}; add it (ssh-keyscan -p ${t.port} ${t.address} >> ${t.knownHosts}, after checking its fingerprint) or pass --ssh-accept-new to record it on first use`);
        }
        return false;
      },
    });
  });
}
