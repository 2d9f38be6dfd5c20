/**
 * Wire → unified records for StarVCenter, and the rules for the ids this adapter makes up
 * (instance types A52, images A53, tags A55, times A56). Pure functions: the adapter
 * fetches, these translate.
 */
import type { Image, InstanceType } from '../../domain/catalog.ts';
import type { InstanceStatus, ProviderInstance, StatusMap, Tags } from '../../domain/instance.ts';
import type { SecurityGroup, Subnet, Vpc } from '../../domain/network.ts';
import { INSTANCE_TYPE_ID, type StarVCenterInstanceType } from './account.ts';
import { toStatus } from './statuses.ts';
import type { WireModelGroup, WireNetwork, WireSecurityGroup, WireSgRule, WireVm } from './wire.ts';

/** Image ids name their kind: a model code from the dictionary, or a VM template id (A53). */
export const MODEL_PREFIX = 'model:';
export const TEMPLATE_PREFIX = 'template:';

export type ImageRef = { kind: 'model'; code: string } | { kind: 'template'; id: string };

export function parseImageId(id: string): ImageRef {
  if (id.startsWith(TEMPLATE_PREFIX)) return { kind: 'template', id: id.slice(TEMPLATE_PREFIX.length) };
  if (id.startsWith(MODEL_PREFIX)) return { kind: 'model', code: id.slice(MODEL_PREFIX.length) };
  // A bare id is a model code: the only kind a user can list.
  return { kind: 'model', code: id };
}

/** `c<N>m<M>` → vCPUs and MiB; a listed custom id is looked up in the account's list. */
export function parseInstanceType(
  id: string,
  listed: readonly StarVCenterInstanceType[],
): { vcpus: number; memoryMiB: number } | null {
  const hit = listed.find((t) => t.id === id);
  if (hit) return { vcpus: hit.vcpus, memoryMiB: hit.memoryMiB };
  const m = INSTANCE_TYPE_ID.exec(id);
  return m ? { vcpus: Number(m[1]), memoryMiB: Number(m[2]) } : null;
}

export function instanceTypeId(vcpus: string | null | undefined, memory: string | null | undefined): string | null {
  const c = Number(vcpus);
  const m = Number(memory);
  return Number.isInteger(c) && c > 0 && Number.isInteger(m) && m > 0 ? `c${c}m${m}` : null;
}

export function toInstanceType(t: StarVCenterInstanceType): InstanceType {
  return {
    id: t.id,
    name: t.name ?? `${t.vcpus} vCPU, ${t.memoryMiB} MiB`,
    vcpus: t.vcpus,
    memoryMiB: t.memoryMiB,
    diskGiB: null,
    zones: null,
  };
}

/** A55: tags live in `vm.desc` in this one form; any other description means "no tags". */
export const TAGS_PREFIX = 'cloudplane-tags:';
/** The document gives no length for `vm.desc`; this keeps it to what a VARCHAR(1024) column holds. */
export const MAX_DESC_LENGTH = 1024;

export function encodeTags(tags: Tags): string {
  return `${TAGS_PREFIX}${JSON.stringify(tags)}`;
}

export function decodeTags(desc: string | null | undefined): Tags {
  if (!desc?.startsWith(TAGS_PREFIX)) return {};
  try {
    const parsed: unknown = JSON.parse(desc.slice(TAGS_PREFIX.length));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([k, v]) => typeof v === 'string' && k.length > 0));
  } catch {
    return {};
  }
}

/** A56: `yyyy-MM-dd HH:mm:ss` in the platform's local time; ISO text is read as it says. */
export function parsePlatformTime(value: string | null | undefined, utcOffset: string): Date | null {
  if (!value) return null;
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(value.trim());
  const text = local ? `${local[1]}T${local[2]}${utcOffset}` : value.trim();
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : new Date(at);
}

/** Keys whose values are secrets wherever a record carries them (A64). */
const SECRET_KEY = /(pwd|passw|secret|token|private|(^|[._])key$)/i;

export function withoutSecrets(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !SECRET_KEY.test(k)));
}

export function toInstance(
  vm: WireVm,
  statusMap: StatusMap | undefined,
  utcOffset: string,
  overlay?: InstanceStatus,
): ProviderInstance {
  const mapped = toStatus(vm['vm.state'], statusMap);
  const model = vm['vm.tenant.model'];
  const ip = vm['vm.ip']?.trim();
  return {
    providerId: vm['vm.id'],
    name: vm['vm.name'] ?? null,
    status: overlay ?? mapped.status,
    statusRaw: mapped.statusRaw,
    // A66: the platform has no regions or zones.
    region: null,
    zone: null,
    instanceType: instanceTypeId(vm['vm.vcpu.num'], vm['vm.memory.mem']),
    image: model ? `${MODEL_PREFIX}${model}` : null,
    privateIps: ip ? [ip] : [],
    publicIps: [],
    tags: decodeTags(vm['vm.desc']),
    launchedAt: parsePlatformTime(vm['vm.createtime'], utcOffset),
    providerData: withoutSecrets(vm),
  };
}

/** #18 flattened: one image per model, deduplicated across type groups (A53). */
export function toImages(groups: readonly WireModelGroup[]): Image[] {
  const images = new Map<string, Image>();
  for (const group of groups)
    for (const m of group.model ?? []) {
      const code = m['vm.tenant.mode'] ?? m['vm.tenant.model'];
      if (!code) continue;
      const id = `${MODEL_PREFIX}${code}`;
      if (!images.has(id))
        images.set(id, {
          id,
          name: m['vm.tenant.modelname'] || code,
          os: null,
          status: null,
          minDiskGiB: null,
          visibility: 'unknown',
        });
    }
  return [...images.values()];
}

/** A62: a private network is a VPC and its only subnet, with one id. */
export function toVpc(n: WireNetwork): Vpc {
  return {
    id: n['vpc.id'],
    name: n['vpc.name'] ?? n['vpc.id'],
    cidr: n['vpc.cidr'] || null,
    region: null,
    status: null,
  };
}

export function toSubnet(n: WireNetwork): Subnet {
  return {
    id: n['vpc.id'],
    name: n['vpc.name'] ?? n['vpc.id'],
    vpcId: n['vpc.id'],
    cidr: n['vpc.cidr'] || null,
    zone: null,
    gateway: n['vpc.gateway'] || null,
  };
}

export const groupIdOfRule = (r: WireSgRule) => r.aclrule_securitygroupid ?? r['aclrule.securitygroupid'] ?? null;

/** A63: the platform's rules are allow rules; `in` reads its source, `out` its target. */
export function toRule(r: WireSgRule): SecurityGroup['rules'][number] {
  const ingress = (r.aclrule_direction ?? 'in').trim().toLowerCase() !== 'out';
  return {
    direction: ingress ? 'ingress' : 'egress',
    protocol: r.aclrule_protocal?.trim() ? r.aclrule_protocal.trim().toLowerCase() : 'all',
    portRange: r.aclrule_vmport?.trim().replace(/:/g, '-') || null,
    cidr: (ingress ? r.aclrule_srcip : r.aclrule_target)?.trim() || null,
    action: 'allow',
  };
}

export function toSecurityGroup(g: WireSecurityGroup, rules: readonly WireSgRule[]): SecurityGroup {
  const id = g['securitygroup.id'];
  return {
    id,
    name: g['securitygroup.name'] ?? id,
    vpcId: null,
    description: g['securitygroup.desc'] || null,
    rules: rules.filter((r) => groupIdOfRule(r) === id).map(toRule),
  };
}
