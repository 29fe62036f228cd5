// A unit's first command (tmsh or the HA daemon, whichever comes first) boots it: it forwards
// (a BIG-IP routes between its VLANs and for its virtual servers), and it takes the HA state
// unit.json gives it: the ACTIVE unit loads traffic-group-1's (still empty) ruleset, which is
// what makes it ACTIVE (sim/observe.ts reads the status from the kernel). Call it holding the lock.
import { writeFileSync } from 'node:fs';
import { establish } from './commit.js';
import { TmshFaceError } from './errors.js';
import type { Kernel } from './kernel.js';
import { emptyConfig, type FaceConfig } from './objects.js';
import type { FaceStore } from './store.js';

export async function booted(store: FaceStore, k: Kernel): Promise<FaceConfig> {
  const config = store.config();
  if (config) return config;
  const unit = store.unit();
  try {
    // /proc/sys/net is the network namespace of the process that opens it: this unit's.
    writeFileSync('/proc/sys/net/ipv4/ip_forward', '1\n');
  } catch (e) {
    throw new TmshFaceError(`tmsh: cannot turn forwarding on in this unit (the face runs as root inside the unit): ${(e as Error).message}`);
  }
  const empty = emptyConfig();
  await establish(k, empty, unit.initialStatus === 'ACTIVE');
  store.writeConfig(empty);
  return empty;
}
