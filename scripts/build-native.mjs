#!/usr/bin/env node
// Builds native/netns (the addon that opens netlink sockets inside namespaces) with node-gyp.
// Runs from `npm ci` (postinstall) and `npm run build`; skips when the addon is newer than its
// sources. Without a compiler the netns provider still works, through one `ip -batch` process
// per namespace, so a failed build warns and exits 0 — except under CI=true, where the fast
// path is part of what is tested and a failed build is an error.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'netns');
const addon = join(dir, 'build', 'Release', 'overlab_netns.node');
const sources = ['netns.c', 'binding.gyp'].map((f) => join(dir, f));

const mtime = (f) => statSync(f).mtimeMs;
if (existsSync(addon) && sources.every((s) => mtime(s) <= mtime(addon))) process.exit(0);

// npm hands scripts its own node-gyp; outside npm, the one bundled with the npm next to node.
const gyp = process.env.npm_config_node_gyp || join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
// The headers of the node that runs us, when they are installed next to it (Debian's nodejs,
// the official tarballs): no download, which this machine's network would refuse anyway.
const prefix = join(dirname(process.execPath), '..');
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
const result = spawnSync(process.execPath, [gyp, 'rebuild', '--loglevel=error', ...nodedir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (result.status === 0) process.exit(0);

const why = (result.error?.message ?? result.stderr.trim().split('\n').slice(-8).join('\n')) || `node-gyp exited ${result.status}`;
const strict = process.env.CI === 'true';
console.error(`overlab: ${strict ? 'error' : 'warning'}: could not build native/netns (${why})`);
console.error('overlab: the netns provider will configure namespaces with one ip process each (slower boots). Fix: install g++ and make (apt-get install g++ make), then npm run build.');
process.exit(strict ? 1 : 0);
