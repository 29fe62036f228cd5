// Kernel device names for tunnels: a name the driver makes (`ol_<run>_flannel_vxlan`) is longer
// than the kernel's 15 characters. The device keeps the name without the run's prefix when that
// fits and is free (flannel_vxlan, as sim names it), else `olt` and 12 hex digits of its hash.
import { createHash } from 'node:crypto';

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const RUN_PREFIX = /^ol_[a-z0-9]+_/;

export function tunnelDevice(name: string, taken: ReadonlySet<string>): string {
  const short = name.replace(RUN_PREFIX, '');
  if (IFNAME.test(short) && !taken.has(short) && short !== 'lo') return short;
  return `olt${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}
