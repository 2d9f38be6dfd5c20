/**
 * What the legacy cluster simulator stores: templates (saved machine specs, kept in the
 * engine's catalog store under kind `template`) and the platform fields of a machine (kept in
 * the engine instance's `attrs`). Spec fields keep the wire's PascalCase names so a request
 * body, a stored record and a rendered answer line up field for field.
 */
import type { SimEngine, SimInstance } from '../../sim/index.ts';

export interface WireNetwork {
  Id: number;
  VpcId: string;
  SubnetId: string;
  SecurityGroup: string;
  InternetChargeType: string;
  InternetMaxBandwidthOut: number;
}

export interface WireZone {
  Id: number;
  RegionName: string;
  ZoneName: string;
}

/** The saved spec of a template: everything a create body may set. */
export interface TemplateSpec {
  Name: string;
  Provider: string;
  Desc: string;
  Cpu: number;
  Ram: number;
  InstanceType: string;
  ImageId: string;
  PostScript: string;
  KeyName: string;
  Network: WireNetwork;
  Zone: WireZone;
  Replication: string | null;
  SystemDiskCategory: string;
  DataDiskSize: number;
  DataDiskNum: number;
  DataDiskCategory: string;
  FlavorId: string;
}

export interface TemplateRecord extends TemplateSpec {
  Id: number;
  LastestPartNum: number;
  createdAt: number;
  /** A13: soft delete; null = live (rendered as Go's zero time). */
  deletedAt: number | null;
}

/** Platform fields of a machine, beside the engine's neutral state. */
export interface MachineAttrs {
  /** The broker's database row id (`Id`). */
  Id: number;
  Provider: string;
  /** Template it was made from; 0 = none (A24). */
  clusterId: number;
  Cpu: number;
  Ram: number;
  ImageId: string;
  InstanceType: string;
  KeyName: string;
  VpcId: string;
  SubnetId: string;
  SecurityGroupId: string;
  RegionId: string;
  ZoneId: string;
  DataDiskNum: number;
  DataDiskSize: number;
  DataDiskCategory: string;
  SystemDiskCategory: string;
  CostWay: string;
  PreBuyMonth: number;
  PrivateIpAddress: string;
  PublicIpAddress: string;
  NatIpAddress: string;
  /** SSH port of a registered machine (op 31; its password is checked, never kept). */
  port?: number;
}

export const TEMPLATE_KIND = 'template';
export const PHYSICAL = 'phydev';

export function templateOf(engine: SimEngine, id: number): TemplateRecord | undefined {
  return engine.catalog.get(TEMPLATE_KIND, String(id), null)?.attrs as TemplateRecord | undefined;
}

/** Live (not soft-deleted) templates in id order. */
export function liveTemplates(engine: SimEngine): TemplateRecord[] {
  return engine.catalog
    .list(TEMPLATE_KIND, null)
    .map((r) => r.attrs as unknown as TemplateRecord)
    .filter((t) => t.deletedAt === null)
    .sort((a, b) => a.Id - b.Id);
}

export function putTemplate(engine: SimEngine, t: TemplateRecord): void {
  engine.catalog.put({
    id: String(t.Id),
    kind: TEMPLATE_KIND,
    tenant: null,
    name: t.Name,
    createdAt: t.createdAt,
    attrs: t as unknown as Record<string, unknown>,
  });
}

/** Go's zero values: what a machine nobody described carries. */
export const ZERO_MACHINE: Readonly<MachineAttrs> = {
  Id: 0,
  Provider: '',
  clusterId: 0,
  Cpu: 0,
  Ram: 0,
  ImageId: '',
  InstanceType: '',
  KeyName: '',
  VpcId: '',
  SubnetId: '',
  SecurityGroupId: '',
  RegionId: '',
  ZoneId: '',
  DataDiskNum: 0,
  DataDiskSize: 0,
  DataDiskCategory: '',
  SystemDiskCategory: '',
  CostWay: '',
  PreBuyMonth: 0,
  PrivateIpAddress: '',
  PublicIpAddress: '',
  NatIpAddress: '',
};

/** A machine's platform fields; a machine seeded through the control API gets zero values. */
export function machineOf(inst: SimInstance): MachineAttrs {
  return { ...ZERO_MACHINE, ...(inst.attrs as Partial<MachineAttrs>) };
}
