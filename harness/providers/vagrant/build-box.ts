// Builds (or finds in the cache) the vagrant provider's libvirt box and prints what it did and how
// long each part took:  node dist/harness/providers/vagrant/build-box.js
import { dockerClient } from '../docker/engine.js';
import { ensureBox } from './box.js';

const quiet = process.argv.includes('--quiet');
const t0 = performance.now();
ensureBox(dockerClient(), quiet ? undefined : (l) => console.log(`  ${l}`))
  .then((b) => {
    console.log(`${b.built ? 'built' : 'cached'} ${b.name} in ${((performance.now() - t0) / 1000).toFixed(1)} s ${JSON.stringify(b.times)}`);
  })
  .catch((e: unknown) => {
    console.error(`build-box: ${(e as Error).message}`);
    process.exit(2);
  });
