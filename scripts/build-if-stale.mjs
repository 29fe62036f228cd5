#!/usr/bin/env node
// `npm run scenario` and `npm run bench` build first, so an edit is never run stale; but a tsc
// with nothing to do still costs ~1.3 s here, most of a failover run. This compiles only when a
// source is newer than the last build it made (and builds native/netns the same way).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (argv) => {
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run([process.execPath, join(root, 'scripts', 'build-native.mjs')]);

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};
/** The newest .ts under dir (node_modules and dist are not sources). */
function newest(dir) {
  let max = -1;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(path));
    else if (entry.name.endsWith('.ts')) max = Math.max(max, mtime(path));
  }
  return max;
}

// Our own stamp: tsc leaves .tsbuildinfo untouched when its output would not change.
const stamp = join(root, 'dist', '.build-stamp');
const started = Date.now();
const sources = Math.max(...['harness', 'bench', 'test'].map((dir) => newest(join(root, dir))), mtime(join(root, 'tsconfig.json')), mtime(join(root, 'package.json')));
if (mtime(stamp) < 0 || sources > mtime(stamp)) {
  run([join(root, 'node_modules', '.bin', 'tsc'), '-p', join(root, 'tsconfig.json')]);
  // Dated when tsc started: a file saved while it ran is newer, and is compiled next time.
  writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
  utimesSync(stamp, started / 1000, started / 1000);
}
