// Where the kube-flannel manifest comes from, as users install flannel: the release's own
// kube-flannel.yml at the pinned tag. In order: a file the user names (--flannel-manifest), the
// copy in the Go module cache (the flanneld build of scripts/build-flanneld.sh downloads the same
// tag's source, Documentation/ included), else the release asset fetched at run time.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from '../../core/errors.js';

/** The flannel release the manifest is taken from: the tag tools/flanneld/go.mod pins for flanneld. */
export const FLANNEL_RELEASE = 'v0.28.9';
export const FLANNEL_MANIFEST_URL = `https://github.com/flannel-io/flannel/releases/download/${FLANNEL_RELEASE}/kube-flannel.yml`;

export type ManifestSource = { kind: 'file' | 'go-module-cache'; path: string } | { kind: 'url'; url: string };

/** Go's module cache: $GOMODCACHE, else $GOPATH/pkg/mod, else ~/go/pkg/mod. */
function goModCache(): string {
  return process.env.GOMODCACHE ?? join(process.env.GOPATH?.split(':')[0] ?? join(homedir(), 'go'), 'pkg', 'mod');
}

export const goModCacheManifest = (): string => join(goModCache(), 'github.com', 'flannel-io', `flannel@${FLANNEL_RELEASE}`, 'Documentation', 'kube-flannel.yml');

/** Which manifest a run would use here, without reading it. */
export function manifestSource(userFile?: string): ManifestSource {
  if (userFile) return { kind: 'file', path: userFile };
  const cached = goModCacheManifest();
  if (existsSync(cached)) return { kind: 'go-module-cache', path: cached };
  return { kind: 'url', url: FLANNEL_MANIFEST_URL };
}

export const describeSource = (s: ManifestSource): string =>
  s.kind === 'url' ? `${s.url} (fetched at run time)` : `${s.path} (${s.kind === 'file' ? '--flannel-manifest' : `the Go module cache's flannel@${FLANNEL_RELEASE}`})`;

/** The manifest's text from a local source, or undefined for a URL (plan reads no network). */
export function readLocalManifest(s: ManifestSource): string | undefined {
  if (s.kind === 'url') return undefined;
  try {
    return readFileSync(s.path, 'utf8');
  } catch (e) {
    throw new HarnessError(`cannot read the kube-flannel manifest ${s.path}: ${(e as Error).message}`, {}, { cause: e });
  }
}

/** The manifest's text from any source; a URL is fetched (30 s at most). */
export async function loadManifest(s: ManifestSource): Promise<string> {
  const local = readLocalManifest(s);
  if (local !== undefined) return local;
  const url = (s as { url: string }).url;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000), redirect: 'follow' });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    return await res.text();
  } catch (e) {
    throw new HarnessError(`cannot fetch the kube-flannel manifest ${url}: ${(e as Error).message}; name a local copy with --flannel-manifest FILE`, {}, { cause: e });
  }
}
