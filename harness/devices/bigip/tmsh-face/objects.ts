// The face's configuration: the objects tmsh created, each with what the face resolved about it
// on this unit (the kernel device it lives on, the tunnel's MAC and port, a VLAN interface's
// state before the VLAN took it), so that applying and deleting it never has to guess. Kept in
// $OVERLAB_TMSH_STATE_DIR/config.json (store.ts).
import type { ArpDecl, FdbRecord, PoolDecl, ProfileDecl, SelfDecl, TunnelDecl, VirtualDecl, VlanDecl, ObjectType } from './commands.js';

/** A kernel interface as it was before a VLAN took it, put back when the VLAN is deleted. */
export interface LinkRestore {
  mtu: number;
  up: boolean;
  addrGenMode?: string;
}

export type FaceVlan = VlanDecl & { dev: string; restore?: LinkRestore };
export type FaceSelf = SelfDecl & { dev: string };
export type FaceProfile = ProfileDecl;
export type FaceTunnel = Omit<TunnelDecl, 'mtu'> & {
  mtu: number;
  /** The VXLAN device's name (kernel names are at most 15 characters: kernel-names.ts). */
  dev: string;
  /** The underlay interface it is bound to, when its MTU fits under that VLAN's. */
  underlayDev?: string;
  mac: string;
  /** The profile's UDP port and whether it floods (multipoint). */
  port: number;
  flood: boolean;
  records: FdbRecord[];
};
export type FaceArp = ArpDecl & { dev: string };
export type FacePool = PoolDecl;
/** `dev`: where its virtual address lives (the VLAN whose self IP network holds it). */
export type FaceVirtual = VirtualDecl & { dev: string };

export type FaceObject = FaceVlan | FaceSelf | FaceProfile | FaceTunnel | FaceArp | FacePool | FaceVirtual;
type ByType = { vlan: FaceVlan; self: FaceSelf; vxlan: FaceProfile; tunnel: FaceTunnel; arp: FaceArp; pool: FacePool; virtual: FaceVirtual };

export interface FaceConfig {
  version: 1;
  /** In the order they were created. */
  objects: FaceObject[];
}

export const emptyConfig = (): FaceConfig => ({ version: 1, objects: [] });

export function objectsOf<T extends ObjectType>(config: FaceConfig, type: T): ByType[T][] {
  return config.objects.filter((o): o is ByType[T] => o.type === type);
}

export function findObject<T extends ObjectType>(config: FaceConfig, type: T, name: string): ByType[T] | undefined {
  return objectsOf(config, type).find((o) => o.name === name);
}

/** The self IPs' address without its prefix length. */
export const hostOf = (cidr: string): string => cidr.split('/')[0]!;

/** Multipoint flooding's all-zeros entries: one per VTEP its records name. */
export const floodEndpoints = (t: FaceTunnel): string[] => (t.flood ? [...new Set(t.records.map((r) => r.endpoint))] : []);
