// The SSH inventory: which existing machine plays each host of a scenario, and how to reach it.
// YAML, checked against a JSON Schema (inventory.schema.json is generated from this TypeBox
// schema) and against rules of its own; every problem names the file, line and field.
//
//   knownHosts: ./known_hosts          # relative paths are relative to this file
//   defaults: { user: root, port: 22, key: ./id_ed25519 }
//   hosts:
//     master:
//       address: 10.3.72.127           # where SSH reaches it (a management network)
//       proxyCommand: [ssh, -W, "%h:%p", jump]   # optional, as OpenSSH's ProxyCommand
//       underlay: { interface: eth0, address: 10.169.72.127 }
//     bigip1:
//       address: 10.3.72.36
//       underlay: { interface: eth0, address: 10.169.72.36 }
//       external: { interface: ext0, address: 10.1.10.36 }
import { dirname, isAbsolute, resolve } from 'node:path';
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { parseYamlFile, readYamlFile } from '../../spec/yaml-file.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, type SshTarget } from '../../ssh/target.js';

const NAME = '^[A-Za-z0-9_][A-Za-z0-9_.-]*$';
const IFNAME = '^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,14}$';

const Attachment = Type.Object(
  {
    interface: Type.String({ pattern: IFNAME, description: 'the interface on that segment, as `ip link` names it' }),
    address: Type.String({ minLength: 7, description: 'its IPv4 address (must be the scenario\'s address for the host)' }),
  },
  { additionalProperties: false },
);

const Access = {
  user: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_.-]*$', description: 'login user; root, or a user with passwordless sudo (sudo: true)' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  key: Type.Optional(Type.String({ minLength: 1, description: 'private key file' })),
  passphraseEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'environment variable holding the key\'s passphrase' })),
  passwordEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'environment variable holding a password' })),
  agent: Type.Optional(Type.Boolean({ description: 'offer the keys of $SSH_AUTH_SOCK (default: when it is set)' })),
  sudo: Type.Optional(Type.Boolean({ description: 'run commands through sudo -n' })),
  connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 300_000 })),
  proxyCommand: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'argv whose stdin/stdout carry the connection (OpenSSH ProxyCommand); %h and %p are the address and port' })),
};

export const InventorySchema = Type.Object(
  {
    knownHosts: Type.Optional(Type.String({ minLength: 1, description: 'known_hosts file (default ~/.ssh/known_hosts)' })),
    defaults: Type.Optional(Type.Object(Access, { additionalProperties: false })),
    hosts: Type.Record(
      Type.String({ pattern: NAME }),
      Type.Object(
        {
          address: Type.String({ minLength: 1, description: 'where SSH reaches the host' }),
          ...Access,
          underlay: Type.Optional(Attachment),
          external: Type.Optional(Attachment),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'https://overlab.dev/inventory.schema.json', title: 'overlab SSH inventory' },
);

export type InventoryFile = Static<typeof InventorySchema>;

export interface InventoryHost {
  target: SshTarget;
  underlay?: { interface: string; address: string };
  external?: { interface: string; address: string };
}

export interface Inventory {
  file: string;
  hosts: Record<string, InventoryHost>;
}

function semantics(inv: InventoryFile): { pointer: string; message: string }[] {
  const out: { pointer: string; message: string }[] = [];
  for (const [name, h] of Object.entries(inv.hosts)) {
    if (/[\s'"`$;&|<>\\]/.test(h.address)) out.push({ pointer: `/hosts/${name}/address`, message: `"${h.address}" is not a host name or address` });
    for (const seg of ['underlay', 'external'] as const) {
      const a = h[seg];
      if (a && isIP(a.address) !== 4) out.push({ pointer: `/hosts/${name}/${seg}/address`, message: `"${a.address}" is not an IPv4 address` });
    }
    const access = { ...inv.defaults, ...h };
    if (!access.key && !access.passwordEnv && access.agent === false) out.push({ pointer: `/hosts/${name}`, message: 'no way to authenticate: give key, passwordEnv, or allow the agent' });
  }
  return out;
}

export function parseInventory(text: string, file: string, options: { acceptNew?: boolean } = {}): Inventory {
  const data = parseYamlFile<InventoryFile>(text, file, InventorySchema, { notAMapping: 'an inventory is a YAML mapping with hosts: (see harness/providers/ssh/inventory.ts)', semantics });
  const base = dirname(resolve(file));
  const path = (p: string) => (isAbsolute(p) ? p : resolve(base, p.replace(/^~(?=\/)/, process.env.HOME ?? '~')));
  const knownHosts = path(data.knownHosts ?? `${process.env.HOME ?? '/root'}/.ssh/known_hosts`);
  const hosts: Record<string, InventoryHost> = {};
  for (const [name, h] of Object.entries(data.hosts)) {
    const a = { ...data.defaults, ...h };
    const port = a.port ?? 22;
    const target: SshTarget = {
      name,
      address: h.address,
      port,
      user: a.user ?? 'root',
      privateKey: a.key ? path(a.key) : undefined,
      passphraseEnv: a.passphraseEnv,
      passwordEnv: a.passwordEnv,
      agent: a.agent === false ? '' : undefined,
      proxyCommand: a.proxyCommand?.map((w) => w.replace(/%h/g, h.address).replace(/%p/g, String(port))),
      knownHosts,
      acceptNew: options.acceptNew ?? false,
      connectTimeoutMs: a.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      sudo: a.sudo ?? false,
    };
    hosts[name] = { target, underlay: h.underlay, external: h.external };
  }
  return { file, hosts };
}

export function loadInventory(file: string, options: { acceptNew?: boolean } = {}): Inventory {
  return parseInventory(readYamlFile(file, 'inventory (give --inventory a YAML file, see README "SSH provider")'), file, options);
}
