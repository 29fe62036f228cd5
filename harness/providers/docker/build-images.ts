// Builds (or finds in the cache) the docker provider's images and prints what it did and how long
// it took:  node dist/harness/providers/docker/build-images.js [--force] [--quiet]
// CI runs it once before the tests, so test files never build concurrently. Where vagrant is
// installed, the vagrant provider's sshd variants (harness/providers/vagrant/images.ts) too.
import { dockerClient, engineInfo } from './engine.js';
import { ensureImages } from './images.js';
import { tableLines } from '../../core/table.js';
import { findTool } from '../preflight.js';
import { ensureSshImages } from '../vagrant/images.js';

const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

async function main(): Promise<void> {
  const docker = dockerClient();
  const engine = await engineInfo(docker);
  console.log(`docker ${engine.version} (API ${engine.apiVersion}), storage driver ${engine.storageDriver}`);
  const t0 = performance.now();
  const { builds } = await ensureImages(docker, { force, log: quiet ? undefined : (l) => console.log(`  ${l}`) });
  for (const line of tableLines(builds.map((b) => [b.built ? 'built' : 'cached', b.tag, b.built ? `${(b.ms / 1000).toFixed(1)} s` : '']))) console.log(line);
  if (findTool('vagrant')) {
    const { tags, built } = await ensureSshImages(docker, quiet ? undefined : (l) => console.log(`  ${l}`));
    for (const line of tableLines(Object.values(tags).map((t) => [built.includes(t) ? 'built' : 'cached', t, '']))) console.log(line);
  }
  console.log(`images ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(`build-images: ${(e as Error).message}`);
  process.exit(2);
});
