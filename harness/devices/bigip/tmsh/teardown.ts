// Teardown on each unit: the teardown transaction of render-config.ts, which deletes the run's
// objects by their names and nothing else. Configure is one transaction, so the run's underlay
// VLAN is there exactly when configure went through: a unit without it (a run that failed before
// configure) has nothing to remove and is left alone. Units are torn down at once; every
// failure is returned, none stops the others.
import { HarnessError } from '../../../core/errors.js';
import type { NodeHandle } from '../../../providers/types.js';
import type { Topology } from '../../../spec/topology.js';
import { LIST_COMMANDS, parseListNetVlan } from '../tmsh-shape/list.js';
import { objectName } from './names.js';
import { renderConfig, UNDERLAY_VLAN } from './render-config.js';
import { runTmsh } from './observe.js';

export async function tmshTeardown(topology: Topology, prefix: string, node: (unit: string) => NodeHandle): Promise<Error[]> {
  const failures = await Promise.all(
    renderConfig(topology, prefix).map(async ({ unit, teardown }): Promise<Error | undefined> => {
      try {
        const vlans = parseListNetVlan(await runTmsh(node(unit), [LIST_COMMANDS.vlan]));
        if (!vlans.some((v) => v.name === objectName(prefix, UNDERLAY_VLAN))) return undefined;
        await node(unit).exec(teardown.argv);
        return undefined;
      } catch (e) {
        return new HarnessError(`${unit}: the tmsh teardown of the run's objects (${prefix}*) failed: ${(e as Error).message}`, { node: unit, argv: teardown.argv }, { cause: e });
      }
    }),
  );
  return failures.filter((f): f is Error => f !== undefined);
}
