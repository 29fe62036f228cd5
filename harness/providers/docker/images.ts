// The images the docker provider runs, built locally with no registry and cached by content:
//
//   overlab/base:<hash>       a Debian root filesystem (debootstrap minbase + images/base/packages.txt)
//                             imported as an image: `tar -c` of the directory, streamed to the
//                             Engine's import endpoint through dockerode.
//   overlab/<name>:<hash>     node, bigip-sim, client: images/<name>/ streamed as a build context
//                             with tar-stream, `FROM` the base.
//
// A tag is the hash of what makes the image (the package list, the builder's settings, every
// file of the context, the base's tag), so a second run finds the tags and builds nothing, and a
// changed file builds a new tag. Every image carries overlab=1, overlab.image=<name> and
// overlab.cache=<hash>; `overlab clean --images` removes them, nothing else does.
//
// Where a registry is reachable, OVERLAB_BASE_IMAGE=debian:bookworm-slim makes the base from that
// image and the same package list with apt-get (images/base/Dockerfile.registry) instead.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type Docker from 'dockerode';
import { LocalRunner, toolEnv } from '../../core/command.js';
import { exitError, startProcess } from '../../core/process.js';
import { HarnessError } from '../../core/errors.js';
import type { ResourceLedger } from '../../core/ledger.js';
import { PROJECT_ROOT } from '../../core/paths.js';
import { isAlive } from '../../core/registry.js';
import { LABEL, LABEL_CACHE, LABEL_IMAGE } from './names.js';

export const IMAGES_DIR = join(PROJECT_ROOT, 'images');
export const IMAGE_NAMES = ['node', 'bigip-sim', 'client'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];
export type ImageTags = Record<ImageName | 'base', string>;

/** Bumped when the way an image is made changes in a way its inputs do not show. */
const BUILDER_VERSION = '1';
const SUITE = process.env.OVERLAB_DEBIAN_SUITE ?? 'bookworm';
const MIRROR = process.env.OVERLAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
/** Left out of the imported root filesystem: nothing in a testbed reads them. */
const TRIM = ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale'];
const LOCK_DIR = join(process.env.OVERLAB_LOCK_DIR ?? '/run/overlab', 'docker-images.lock');

export class ImageBuildError extends HarnessError {}

export interface ImageBuild {
  image: string;
  tag: string;
  /** false: found in the cache. */
  built: boolean;
  ms: number;
}

export interface EnsureOptions {
  ledger?: ResourceLedger;
  /** Progress lines (debootstrap, build steps), for a terminal. */
  log?: (line: string) => void;
  /** Rebuild even when the tags exist. */
  force?: boolean;
}

export function packageList(): string[] {
  return readFileSync(join(IMAGES_DIR, 'base', 'packages.txt'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

const sha = (parts: readonly (string | Buffer)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
};

/** Every file of a build context, sorted, with its path relative to the context. */
function contextFiles(dir: string): { path: string; full: string; mode: number }[] {
  const out: { path: string; full: string; mode: number }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.push({ path: relative(dir, full), full, mode: st.mode & 0o111 ? 0o755 : 0o644 });
    }
  };
  walk(dir);
  return out;
}

export function baseHash(): string {
  const registryBase = process.env.OVERLAB_BASE_IMAGE;
  const how = registryBase ? ['registry', registryBase, readFileSync(join(IMAGES_DIR, 'base', 'Dockerfile.registry'), 'utf8')] : ['debootstrap', 'minbase', SUITE, TRIM.join(',')];
  return sha([`overlab-base ${BUILDER_VERSION}`, ...how, packageList().join('\n')]);
}

export function imageHash(name: ImageName, baseTag: string): string {
  const dir = join(IMAGES_DIR, name);
  return sha([`overlab-image ${BUILDER_VERSION}`, baseTag, ...contextFiles(dir).flatMap((f) => [f.path, String(f.mode), readFileSync(f.full)])]);
}

/** The tags this checkout's images/ resolve to (no I/O beyond reading images/). */
export function imageTags(): ImageTags {
  const base = `overlab/base:${baseHash()}`;
  const tags = { base } as ImageTags;
  for (const name of IMAGE_NAMES) tags[name] = `overlab/${name}:${imageHash(name, base)}`;
  return tags;
}

async function exists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

/** Makes sure every image exists, building what is missing (one builder at a time on this machine). */
export async function ensureImages(docker: Docker, options: EnsureOptions = {}): Promise<{ tags: ImageTags; builds: ImageBuild[] }> {
  const tags = imageTags();
  const builds: ImageBuild[] = [];
  const missing = async () => (options.force ? true : (await Promise.all(Object.values(tags).map((t) => exists(docker, t)))).some((e) => !e));
  if (!(await missing())) {
    for (const [image, tag] of Object.entries(tags)) builds.push({ image, tag, built: false, ms: 0 });
    return { tags, builds };
  }
  const release = await lock(options.log);
  try {
    const step = async (image: string, tag: string, make: () => Promise<void>) => {
      const t0 = performance.now();
      if (!options.force && (await exists(docker, tag))) return builds.push({ image, tag, built: false, ms: performance.now() - t0 });
      options.ledger?.record({ kind: 'docker-image', tag, cached: true });
      options.log?.(`building ${tag}`);
      await make();
      builds.push({ image, tag, built: true, ms: performance.now() - t0 });
    };
    const hash = tags.base.split(':')[1]!;
    await step('base', tags.base, () => (process.env.OVERLAB_BASE_IMAGE ? buildBaseFromRegistry(docker, tags.base, hash, options) : buildBaseDebootstrap(docker, tags.base, hash, options)));
    // The three images share the base and are small: one after the other keeps two cores calm.
    for (const name of IMAGE_NAMES) {
      const tag = tags[name];
      await step(name, tag, () =>
        buildContext(docker, join(IMAGES_DIR, name), { tag, dockerfile: 'Dockerfile', buildargs: { BASE: tags.base, OVERLAB_CACHE: tag.split(':')[1]! }, networkmode: 'none', log: options.log }),
      );
      await checkLabels(docker, name, tag);
    }
    if (builds.some((b) => b.built)) await pruneStale(docker, tags);
  } finally {
    release();
  }
  return { tags, builds };
}

/**
 * Older tags of our images (images/ changed since): removed once a new set is built, so the cache
 * holds one set. An image a container still uses is kept (the Engine refuses); derived images go
 * before the base they are built on.
 */
async function pruneStale(docker: Docker, current: ImageTags): Promise<void> {
  const keep = new Set(Object.values(current));
  const ours = await docker.listImages({ filters: JSON.stringify({ label: [`${LABEL}=1`] }) });
  const stale = ours
    .flatMap((i) => (i.RepoTags ?? []).filter((t) => t.startsWith('overlab/') && !keep.has(t)).map((t) => ({ t, base: i.Labels?.[LABEL_IMAGE] === 'base' })))
    .sort((a, b) => Number(a.base) - Number(b.base));
  for (const { t } of stale) await docker.getImage(t).remove({}).catch(() => undefined);
}

/** The Dockerfile labels the image (one instruction, not one per label as the build API's `labels` would). */
async function checkLabels(docker: Docker, name: string, tag: string): Promise<void> {
  const labels = (await docker.getImage(tag).inspect()).Config.Labels ?? {};
  const want = imageLabels(name, tag);
  const wrong = Object.entries(want).filter(([k, v]) => labels[k] !== v);
  if (wrong.length > 0) {
    throw new ImageBuildError(`images/${name}/Dockerfile must label the image ${Object.entries(want).map(([k, v]) => `${k}=${k === LABEL_CACHE ? '${OVERLAB_CACHE}' : v}`).join(' ')}; ${tag} has ${wrong.map(([k]) => `${k}=${labels[k] ?? '(none)'}`).join(', ')}`);
  }
}

const imageLabels = (name: string, tag: string): Record<string, string> => ({ [LABEL]: '1', [LABEL_IMAGE]: name, [LABEL_CACHE]: tag.split(':')[1] ?? '' });

async function buildBaseDebootstrap(docker: Docker, tag: string, hash: string, options: EnsureOptions): Promise<void> {
  const runner = new LocalRunner();
  const dir = mkdtempSync(join(tmpdir(), `overlab-rootfs-${hash}-`));
  options.ledger?.record({ kind: 'scratch-dir', path: dir });
  try {
    options.log?.(`debootstrap ${SUITE} (minbase + ${packageList().length} packages) from ${MIRROR}`);
    const r = await runner.run(['debootstrap', '--variant=minbase', `--include=${packageList().join(',')}`, SUITE, dir, MIRROR], { timeoutMs: 20 * 60_000, allowFailure: true });
    if (r.exitCode !== 0) {
      const log = (() => {
        try {
          return readFileSync(join(dir, 'debootstrap', 'debootstrap.log'), 'utf8');
        } catch {
          return '';
        }
      })();
      throw new ImageBuildError(`debootstrap ${SUITE} failed (exit ${r.exitCode}): ${(r.stderr + '\n' + log).trim().split('\n').slice(-8).join('\n')}`, { argv: r.argv, exitCode: r.exitCode });
    }
    for (const t of TRIM) {
      const full = join(dir, t);
      rmSync(full, { recursive: true, force: true });
      mkdirSync(full, { recursive: true });
    }
    writeFileSync(join(dir, 'etc', 'overlab-base'), `${tag}\n${SUITE} minbase\n${packageList().join('\n')}\n`);
    await importDirectory(docker, dir, tag, imageLabels('base', tag));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `tar -c` of a root filesystem, streamed to POST /images/create?fromSrc=- (docker import). */
async function importDirectory(docker: Docker, dir: string, tag: string, labels: Record<string, string>): Promise<void> {
  const [repo, version] = tag.split(':') as [string, string];
  const tar = startProcess(['tar', '--numeric-owner', '--xattrs', '--xattrs-include=security.capability', '-C', dir, '-c', '.'], { stdout: 'pipe', stderr: 'lines' });
  let stderr = '';
  tar.onStderrLine((l) => (stderr += l + '\n'));
  const changes = [`LABEL ${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(' ')}`, 'CMD ["/bin/sh"]'];
  const response = (await docker.importImage(tar.child.stdout!, { repo, tag: version, changes } as object)) as NodeJS.ReadableStream;
  await followProgress(docker, response, `import of ${tag}`);
  const exit = await tar.closed;
  if (exit.code !== 0) throw new ImageBuildError(`tar of ${dir}: ${exitError(tar.argv, exit, stderr).message}`);
}

async function buildBaseFromRegistry(docker: Docker, tag: string, _hash: string, options: EnsureOptions): Promise<void> {
  await buildContext(docker, join(IMAGES_DIR, 'base'), {
    tag,
    dockerfile: 'Dockerfile.registry',
    labels: imageLabels('base', tag),
    buildargs: { BASE_IMAGE: process.env.OVERLAB_BASE_IMAGE ?? 'debian:bookworm-slim' },
    // apt-get needs the network; the testbed's own containers never get one that leaves the machine.
    networkmode: 'host',
    log: options.log,
  });
}

export interface BuildOptions {
  tag: string;
  dockerfile: string;
  labels?: Record<string, string>;
  buildargs: Record<string, string>;
  networkmode: string;
  log?: (line: string) => void;
}

/** A directory as a tar stream (tar-stream): the build context, sent to POST /build. */
export function packContext(dir: string): tar.Pack {
  const pack = tar.pack();
  const files = contextFiles(dir);
  (async () => {
    for (const f of files) {
      const body = readFileSync(f.full);
      await new Promise<void>((resolve, reject) => pack.entry({ name: f.path, mode: f.mode, mtime: new Date(0), size: body.length }, body, (err) => (err ? reject(err) : resolve())));
    }
    pack.finalize();
  })().catch((e: unknown) => pack.destroy(e as Error));
  return pack;
}

export async function buildContext(docker: Docker, dir: string, o: BuildOptions): Promise<void> {
  // tar-stream's pack is a streamx stream: as a Node Readable it pipes into the request like a file.
  const response = (await docker.buildImage(Readable.from(packContext(dir)), {
    t: o.tag,
    dockerfile: o.dockerfile,
    ...(o.labels ? { labels: o.labels } : {}),
    buildargs: o.buildargs,
    networkmode: o.networkmode,
    rm: true,
    forcerm: true,
  } as Docker.ImageBuildOptions)) as unknown as NodeJS.ReadableStream;
  await followProgress(docker, response, `build of ${o.tag}`, o.log);
}

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

function followProgress(docker: Docker, stream: NodeJS.ReadableStream, what: string, log?: (line: string) => void): Promise<void> {
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: ProgressEvent[]) => {
        if (err) return reject(new ImageBuildError(`${what} failed: ${err.message}`, {}, { cause: err }));
        const failed = output.find((o) => o.error || o.errorDetail);
        if (failed) return reject(new ImageBuildError(`${what} failed: ${failed.errorDetail?.message ?? failed.error}\n${lines.slice(-10).join('\n')}`));
        resolve();
      },
      (event: ProgressEvent) => {
        const text = (event.stream ?? event.status ?? '').trimEnd();
        if (!text) return;
        lines.push(text);
        log?.(text);
      },
    );
  });
}

/** One image builder per machine: a lock directory holding the builder's pid. */
async function lock(log?: (line: string) => void): Promise<() => void> {
  mkdirSync(join(LOCK_DIR, '..'), { recursive: true });
  const started = performance.now();
  let said = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
    } catch {
      // being written, or left without a pid by a killed builder
    }
    const age = (() => {
      try {
        return Date.now() - statSync(LOCK_DIR).mtimeMs;
      } catch {
        return 0;
      }
    })();
    if ((holder > 0 && !isAlive(holder)) || (holder === 0 && age > 10_000)) {
      rmSync(LOCK_DIR, { recursive: true, force: true });
      continue;
    }
    if (!said) log?.(`waiting for the image build of pid ${holder}`);
    said = true;
    if (performance.now() - started > 30 * 60_000) throw new ImageBuildError(`timed out after 30 min waiting for the image build lock ${LOCK_DIR} (held by pid ${holder})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
