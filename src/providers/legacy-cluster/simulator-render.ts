/**
 * How the legacy cluster simulator writes its objects on the wire: templates (4.1), machines
 * (4.4) and times (A39). Field order follows the document's examples (Go marshals struct
 * fields in declaration order); machines nest their whole template as `Cluster`.
 */
import type { SimInstance } from '../../sim/index.ts';
import type { LegacyContext } from './simulator-context.ts';
import { type TemplateRecord, machineOf, templateOf } from './simulator-model.ts';
import { statusOf } from './simulator-status.ts';

/** Go's zero time.Time, which the broker writes for "not deleted". */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Wall-clock fields of `ms` in a zone `offsetMinutes` east of UTC. */
function wall(ms: number, offsetMinutes: number) {
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  return {
    date: `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}

/** RFC 3339 with seconds, as Go marshals a time read back from MySQL; `Z` in UTC. */
export function rfc3339(ms: number, offsetMinutes: number): string {
  const { date, time } = wall(ms, offsetMinutes);
  if (offsetMinutes === 0) return `${date}T${time}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `YYYY-MM-DD HH:mm:ss` local time, the machine-count format. */
export function localTime(ms: number, offsetMinutes: number): string {
  const { date, time } = wall(ms, offsetMinutes);
  return `${date} ${time}`;
}

/** Reads `YYYY-MM-DD HH:mm:ss` as local time; undefined when it is not a real instant. */
export function parseLocalTime(text: string, offsetMinutes: number): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return utc - offsetMinutes * 60_000;
}

const ZERO_TEMPLATE = {
  Id: 0,
  Name: '',
  Provider: '',
  LastestPartNum: 0,
  Desc: '',
  CreateTime: GO_ZERO_TIME,
  DeleteTime: GO_ZERO_TIME,
  Cpu: 0,
  Ram: 0,
  InstanceType: '',
  ImageId: '',
  PostScript: '',
  KeyName: '',
  Network: { Id: 0, VpcId: '', SubnetId: '', SecurityGroup: '', InternetChargeType: '', InternetMaxBandwidthOut: 0 },
  Zone: { Id: 0, RegionName: '', ZoneName: '' },
  Replication: null,
  SystemDiskCategory: '',
  DataDiskSize: 0,
  DataDiskNum: 0,
  DataDiskCategory: '',
  FlavorId: '',
};

export function renderTemplate(ctx: LegacyContext, t: TemplateRecord) {
  const tz = ctx.settings.utcOffsetMinutes;
  return {
    Id: t.Id,
    Name: t.Name,
    Provider: t.Provider,
    LastestPartNum: t.LastestPartNum,
    Desc: t.Desc,
    CreateTime: rfc3339(t.createdAt, tz),
    DeleteTime: t.deletedAt === null ? GO_ZERO_TIME : rfc3339(t.deletedAt, tz),
    Cpu: t.Cpu,
    Ram: t.Ram,
    InstanceType: t.InstanceType,
    ImageId: t.ImageId,
    PostScript: t.PostScript,
    KeyName: t.KeyName,
    Network: { ...t.Network },
    Zone: { ...t.Zone },
    Replication: t.Replication,
    SystemDiskCategory: t.SystemDiskCategory,
    DataDiskSize: t.DataDiskSize,
    DataDiskNum: t.DataDiskNum,
    DataDiskCategory: t.DataDiskCategory,
    FlavorId: t.FlavorId,
  };
}

/** A24: a machine of no template nests Go's zero-value template, as an unloaded relation marshals. */
function clusterOf(ctx: LegacyContext, clusterId: number) {
  const t = clusterId === 0 ? undefined : templateOf(ctx.engine, clusterId);
  return t ? renderTemplate(ctx, t) : { ...ZERO_TEMPLATE, Id: clusterId };
}

export function renderInstance(ctx: LegacyContext, inst: SimInstance) {
  const m = machineOf(inst);
  return {
    Id: m.Id,
    Cluster: clusterOf(ctx, m.clusterId),
    Provider: m.Provider,
    CreateTime: rfc3339(inst.createdAt, ctx.settings.utcOffsetMinutes),
    Cpu: m.Cpu,
    Ram: m.Ram,
    InstanceId: inst.id,
    ImageId: m.ImageId,
    InstanceType: m.InstanceType,
    KeyName: m.KeyName,
    VpcId: m.VpcId,
    SubnetId: m.SubnetId,
    SecurityGroupId: m.SecurityGroupId,
    RegionId: m.RegionId,
    ZoneId: m.ZoneId,
    DataDiskNum: m.DataDiskNum,
    DataDiskSize: m.DataDiskSize,
    DataDiskCategory: m.DataDiskCategory,
    SystemDiskCategory: m.SystemDiskCategory,
    CostWay: m.CostWay,
    PreBuyMonth: m.PreBuyMonth,
    PrivateIpAddress: m.PrivateIpAddress,
    PublicIpAddress: m.PublicIpAddress,
    NatIpAddress: m.NatIpAddress,
    Status: statusOf(inst),
    TenantID: '',
    UserID: '',
    // A21: nothing in the API names a machine.
    Name: '',
  };
}

/** One item of the status answer (op 11), the document's only snake_case object. */
export function renderStatusItem(inst: SimInstance) {
  const m = machineOf(inst);
  return { instance_id: inst.id, status: statusOf(inst), ip_address: m.PublicIpAddress };
}
