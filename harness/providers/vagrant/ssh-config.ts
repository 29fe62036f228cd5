// `vagrant ssh-config` parsed: one `Host <machine>` block per machine with OpenSSH options.
// Only what an SshTarget needs is kept; Vagrant's StrictHostKeyChecking no and
// UserKnownHostsFile /dev/null are ignored on purpose: host keys are read from the machines
// themselves (machines.ts), never accepted blindly.
export interface VagrantSshConfig {
  host: string;
  hostName: string;
  port: number;
  user: string;
  identityFile?: string;
}

export function parseSshConfig(text: string): VagrantSshConfig[] {
  const out: VagrantSshConfig[] = [];
  let cur: Partial<VagrantSshConfig> & { host?: string } = {};
  const flush = () => {
    if (cur.host && cur.hostName && cur.port && cur.user) out.push(cur as VagrantSshConfig);
  };
  for (const raw of text.split('\n')) {
    const m = /^\s*(\S+)\s+(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    switch (key.toLowerCase()) {
      case 'host':
        flush();
        cur = { host: value };
        break;
      case 'hostname':
        cur.hostName = value;
        break;
      case 'port':
        cur.port = Number(value);
        break;
      case 'user':
        cur.user = value;
        break;
      case 'identityfile':
        // OpenSSH quotes paths with spaces; Vagrant writes them that way.
        cur.identityFile ??= value.replace(/^"(.*)"$/, '$1');
        break;
    }
  }
  flush();
  return out;
}
