/**
 * CreateInstanceRequest → the SV-2 create body (A10, A11, A12, A23–A25). Everything the
 * platform requires and the spec may lack is checked first, so bad input costs no platform
 * call; the AZ name (looked up by the adapter) is filled in last.
 */
import type { CreateInstanceRequest, MachineSpec } from '../../domain/machine-spec.ts';
import type { CreateProblem } from '../contract.ts';
import type { H3cCredentials, H3cOptions } from './account.ts';
import { invalid } from './errors.ts';
import { CONTROL_METADATA_KEYS, MAX_METADATA_VALUE } from './mapping.ts';

const OP = 'instances.create';

export interface PlannedCreate {
  /** AZ id (`metadata.zone_uuid`); its name goes into `availability_zone`. */
  zoneId: string;
  body(zoneName: string): { server: Record<string, unknown> };
}

/**
 * Everything SV-2 requires that a spec may lack or hold in a form the platform cannot take, as
 * field-named problems: the one list of rules, read by checkCreate (templates, accounts and
 * expands refused when made) and by planCreate (nothing sent when one is broken).
 */
export function createProblems(
  spec: MachineSpec,
  tags: Record<string, string>,
  options: H3cOptions,
  loginUser: string | undefined,
): CreateProblem[] {
  const problems: CreateProblem[] = [];
  const need = (pointers: CreateProblem['pointers'], detail: string) => problems.push({ pointers, detail });
  if (!(spec.zone ?? options.defaultZoneId))
    need(['/spec/zone', '/options/defaultZoneId'], 'a zone is required: set spec.zone or options.defaultZoneId');
  if (!(spec.network.subnetId ?? options.defaultNetworkId))
    need(
      ['/spec/network/subnetId', '/options/defaultNetworkId'],
      'a network is required: set spec.network.subnetId or options.defaultNetworkId',
    );
  if (!(options.userName ?? loginUser))
    need(['/options/userName', '/credentials/username'], 'metadata.user_name is required: set options.userName');
  if (spec.dataDisks.length > 0) need(['/spec/dataDisks'], 'data disks cannot be set at create on this platform');
  if (spec.charge !== 'on_demand') need(['/spec/charge'], 'only on_demand charging is available on this platform');
  for (const [k, v] of Object.entries(tags)) {
    const at: CreateProblem['pointers'] = [`/spec/tags/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`];
    if (CONTROL_METADATA_KEYS.has(k)) need(at, `tag key ${k} is reserved by the platform's metadata`);
    if (v.length > MAX_METADATA_VALUE) need(at, `tag ${k} is longer than ${MAX_METADATA_VALUE} characters`);
  }
  return problems;
}

/** The login user a create names when options.userName is unset: the password login's user. */
export const loginUserOf = (credentials: H3cCredentials) =>
  'username' in credentials ? credentials.username : undefined;

export function planCreate(
  req: CreateInstanceRequest,
  options: H3cOptions,
  loginUser: string | undefined,
): PlannedCreate {
  const { spec } = req;
  const tags = { ...spec.tags, ...req.tags };
  const [problem] = createProblems(spec, tags, options, loginUser);
  if (problem) throw invalid(OP, problem.detail);
  const zoneId = (spec.zone ?? options.defaultZoneId)!;
  const networkId = (spec.network.subnetId ?? options.defaultNetworkId)!;
  const userName = (options.userName ?? loginUser)!;
  const { keyName, password } = spec.login;
  const groups = spec.network.securityGroupIds?.length ? spec.network.securityGroupIds : options.defaultSecurityGroups;
  return {
    zoneId,
    body: (zoneName) => ({
      server: {
        name: req.name,
        imageRef: spec.image,
        flavorRef: spec.instanceType,
        networks: [{ uuid: networkId, enable_gateway: options.enableGateway ? 'true' : 'false' }],
        // SV-2 keys security groups by name (A23).
        security_groups: groups.map((name) => ({ name })),
        ...(keyName ? { key_name: keyName } : {}),
        ...(password ? { adminPass: password } : {}),
        // Control keys last: a tag can never replace one (A11).
        metadata: { ...tags, user_name: userName, zone_uuid: zoneId, enableAdminPass: keyName || password ? '1' : '0' },
        availability_zone: zoneName,
      },
    }),
  };
}
