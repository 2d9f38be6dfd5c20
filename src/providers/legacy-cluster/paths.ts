/**
 * The broker's paths (catalog §3), built from the server root (A68), every parameter encoded.
 * Instance ids share `/v1/instance/<segment>` with sixteen literal routes that the broker
 * matches first (router note, §3): an id equal to one of them would reach another operation,
 * and a comma would split a batch delete (A48, A49). Such ids are refused before any call.
 */
import { ProviderError } from '../contract.ts';
import { PROVIDER } from './client.ts';

const enc = encodeURIComponent;

/** Literal segments under `/v1/instance/` that win over `:instanceId` / `:instanceIds`. */
export const RESERVED_SEGMENTS: ReadonlySet<string> = new Set([
  'list',
  'provider',
  'regions',
  'zones',
  'vpc',
  'subnet',
  'type',
  'charge',
  'disk_category',
  'image',
  'security_group',
  'cluster',
  'log',
  'sshkey',
  'phydev',
  'openstack',
]);

/** Whether an id can travel as `:instanceId` and reach the machine it names. */
export function isRoutableInstanceId(id: string): boolean {
  return id.length > 0 && id.length <= 128 && !RESERVED_SEGMENTS.has(id) && !/[,\s]/.test(id);
}

export function routableInstanceId(operation: string, id: string): string {
  if (!isRoutableInstanceId(id))
    throw new ProviderError(
      PROVIDER,
      operation,
      'invalid',
      undefined,
      'an instance id here is 1–128 characters without commas or spaces, and not a reserved route name',
    );
  return id;
}

/** A template id: the broker's int `Id`, as a decimal string. */
export function templateId(operation: string, id: string): string {
  if (!/^\d{1,12}$/.test(id))
    throw new ProviderError(PROVIDER, operation, 'invalid', undefined, 'a template id here is a decimal integer');
  return id;
}

export const PATHS = {
  templates: '/v1/cluster',
  template: (id: string) => `/v1/cluster/${enc(id)}`,
  expand: (id: string, count: number) => `/v1/cluster/${enc(id)}/expand/${count}`,
  counts: (hours: number) => `/v1/cluster/number/${hours}`,
  countsAt: (time: string) => `/v1/cluster/oldnumber/${enc(time)}`,
  instances: '/v1/instance',
  instance: (id: string) => `/v1/instance/${enc(id)}`,
  /** Op 13: ids joined by commas in one segment (A49). */
  instanceBatch: (ids: string[]) => `/v1/instance/${ids.map(enc).join(',')}`,
  start: (id: string) => `/v1/start/${enc(id)}`,
  status: (id: string) => `/v1/status/${enc(id)}`,
  setStatus: '/v1/status',
  sshKeyByIp: (ip: string) => `/v1/instance/sshkey/${enc(ip)}`,
  sshKeyOf: (id: string) => `/v1/instance/sshkey/${enc(id)}`,
  providers: '/v1/instance/provider',
  regions: (p: string) => `/v1/instance/regions/${enc(p)}`,
  zones: (p: string, region: string) => `/v1/instance/zones/${enc(p)}/${enc(region)}`,
  vpcs: (p: string, region: string) => `/v1/instance/vpc/${enc(p)}/${enc(region)}`,
  subnets: (p: string, zone: string, vpc: string) => `/v1/instance/subnet/${enc(p)}/${enc(zone)}/${enc(vpc)}`,
  types: (p: string) => `/v1/instance/type/${enc(p)}`,
  chargeTypes: (p: string) => `/v1/instance/charge/${enc(p)}`,
  diskCategories: (p: string) => `/v1/instance/disk_category/${enc(p)}`,
  images: (p: string, region: string) => `/v1/instance/image/${enc(p)}/${enc(region)}`,
  securityGroups: (p: string, region: string) => `/v1/instance/security_group/${enc(p)}/${enc(region)}`,
  list: '/v1/instance/list',
  members: (templateId: string) => `/v1/instance/cluster/${enc(templateId)}`,
  log: (correlationId: string, id: string) => `/v1/instance/log/${enc(correlationId)}/${enc(id)}`,
  logsOf: (id: string) => `/v1/instance/log/${enc(id)}`,
  phydev: '/v1/instance/phydev',
  openstack: '/v1/instance/openstack',
} as const;
