// Files over SFTP: captures and evidence fetched from a host, binaries and configs put on it.
import type ssh2 from 'ssh2';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function fetchFile(sftp: ssh2.SFTPWrapper, remote: string, local: string): Promise<void> {
  mkdirSync(dirname(local), { recursive: true });
  return new Promise((resolve, reject) => sftp.fastGet(remote, local, (err) => (err ? reject(new Error(`sftp get ${remote}: ${err.message}`)) : resolve())));
}

export function putFile(sftp: ssh2.SFTPWrapper, local: string, remote: string, mode = 0o644): Promise<void> {
  return new Promise((resolve, reject) =>
    sftp.fastPut(local, remote, { mode }, (err) => (err ? reject(new Error(`sftp put ${remote}: ${err.message}`)) : resolve())),
  );
}

export function writeRemote(sftp: ssh2.SFTPWrapper, remote: string, content: string | Buffer, mode = 0o644): Promise<void> {
  return new Promise((resolve, reject) => sftp.writeFile(remote, content, { mode }, (err) => (err ? reject(new Error(`sftp write ${remote}: ${err.message}`)) : resolve())));
}
