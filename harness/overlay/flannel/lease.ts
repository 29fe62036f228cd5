// flannel's subnet leases in etcd mode (seed 003, design.md §7): the key
// `<prefix>/subnets/<network>-<length>` (10.217.0.0-24) holds
// `{"PublicIP":"10.169.72.127","BackendType":"vxlan","BackendData":{"VNI":0,"VtepMAC":"…"}}`.
// The emulated agent writes leases in this shape and flanneld's etcd holds the same, so one
// parser reads either registry back.
import { HarnessError } from '../../core/errors.js';
import type { FlannelLease } from './types.js';

export const subnetKey = (subnet: string): string => subnet.replace('/', '-');

export function keySubnet(key: string): string {
  const m = /(\d+\.\d+\.\d+\.\d+)-(\d+)$/.exec(key);
  if (!m) throw new HarnessError(`flannel registry: key ${JSON.stringify(key)} is not <prefix>/subnets/<network>-<length>`);
  return `${m[1]}/${m[2]}`;
}

export function encodeLease(l: FlannelLease): string {
  return JSON.stringify({ PublicIP: l.publicIp, BackendType: l.backendType, BackendData: { VNI: l.vni, VtepMAC: l.vtepMac } });
}

export function decodeLease(key: string, value: string): FlannelLease {
  let o: { PublicIP?: unknown; BackendType?: unknown; BackendData?: { VNI?: unknown; VtepMAC?: unknown } };
  try {
    o = JSON.parse(value) as typeof o;
  } catch (e) {
    throw new HarnessError(`flannel registry: the lease at ${key} is not JSON: ${(e as Error).message}`, {}, { cause: e });
  }
  const bad = (what: string) => new HarnessError(`flannel registry: the lease at ${key} has no ${what}: ${value.slice(0, 200)}`);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad('object value');
  if (typeof o.PublicIP !== 'string') throw bad('PublicIP');
  if (typeof o.BackendType !== 'string') throw bad('BackendType');
  if (typeof o.BackendData?.VtepMAC !== 'string') throw bad('BackendData.VtepMAC');
  return { subnet: keySubnet(key), publicIp: o.PublicIP, backendType: o.BackendType, vni: typeof o.BackendData.VNI === 'number' ? o.BackendData.VNI : 0, vtepMac: o.BackendData.VtepMAC.toLowerCase() };
}
