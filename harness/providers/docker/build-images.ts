// Builds (or finds in the cache) the docker provider's images and prints what it did and how long
// it took:  node dist/harness/providers/docker/build-images.js [--force] [--quiet]
// CI runs it once before the tests, so test files never build concurrently.
import { dockerClient, engineInfo } from './engine.js';
import { ensureImages } from './images.js';
import { tableLines } from '../../core/table.js';

const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

async function main(): Promise<void> {
  const docker = dockerClient();
  const engine = await engineInfo(docker);
  console.log(`docker ${engine.version} (API ${engine.apiVersion}), storage driver ${engine.storageDriver}`);
  const t0 = performance.now();
  const { builds } = await ensureImages(docker, { force, log: quiet ? undefined : (l) => console.log(`  ${l}`) });
  for (const line of tableLines(builds.map((b) => [b.built ? 'built' : 'cached', b.tag, b.built ? `${(b.ms / 1000).toFixed(1)} s` : '']))) console.log(line);
  console.log(`images ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(`build-images: ${(e as Error).message}`);
  process.exit(2);
});
