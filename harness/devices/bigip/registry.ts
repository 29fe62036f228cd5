// The BIG-IP device registry: adding a device is one folder and one line here.
import { SpecError } from '../../core/errors.js';
import type { BigipDevice } from './types.js';
import { simDevice } from './sim/index.js';
import { tmshDevice } from './tmsh/index.js';

const DEVICES: Record<string, BigipDevice> = {
  sim: simDevice,
  tmsh: tmshDevice,
};

export const bigipDeviceKinds = (): string[] => Object.keys(DEVICES);

export function bigipDevice(kind = 'sim'): BigipDevice {
  const device = DEVICES[kind];
  if (!device) throw new SpecError([{ file: '--bigip-device', field: 'bigip.device', message: `unknown BIG-IP device "${kind}"; available: ${bigipDeviceKinds().join(', ')}` }]);
  return device;
}
