// A real BIG-IP VE pair, where one is available: OVERLAB_BIGIP_INVENTORY names the units (by the
// scenario's unit names, the ssh provider's inventory format) and OVERLAB_SSH_INVENTORY the
// machines for the nodes and the client on the VEs' networks. The failover scenario then runs
// with bigip.device: tmsh against them. Without both it is skipped, saying why (a VE is one of
// the two things this project's tests may skip, even in CI).
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, isolateState } from './_env.js';

const units = process.env.OVERLAB_BIGIP_INVENTORY;
const machines = process.env.OVERLAB_SSH_INVENTORY;
const title = 'failover against a real BIG-IP VE pair, driven with tmsh over SSH';

if (!units || !machines) {
  console.warn(`skipped: ${title}: needs OVERLAB_BIGIP_INVENTORY (the VE pair) and OVERLAB_SSH_INVENTORY (nodes and client on its networks); no VE is reachable from this machine`);
  test.skip(title, () => undefined);
} else {
  const state = isolateState('bigip-ve');
  test(title, async (t) => {
    const scenario = join(state.root, 'failover-ve.yaml');
    writeFileSync(scenario, readFileSync(join(process.cwd(), 'scenarios', 'failover.yaml'), 'utf8').replace(/^name: failover$/m, 'name: failover-ve').replace(/^bigip:$/m, 'bigip:\n  device: tmsh'));
    const r = await cli(['scenario', scenario, '--provider', 'ssh', '--inventory', machines, '--bigip-inventory', units, '--agent', 'emulated'], { env: state.env, timeoutMs: 600_000 });
    t.is(r.code, 0, r.stdout + r.stderr);
  });
}
