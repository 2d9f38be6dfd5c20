/**
 * CreateInstanceRequest → the SV-2 create body (A10, A11, A12, A23–A25). Everything the
 * platform requires and the spec may lack is checked first, so bad input costs no platform
 * call; the AZ name (looked up by the adapter) is filled in last.
 */
import type { CreateInstanceRequest } from '../../domain/machine-spec.ts';
import type { H3cOptions } from './account.ts';
import { invalid } from './errors.ts';
import { CONTROL_METADATA_KEYS, MAX_METADATA_VALUE } from './mapping.ts';

const OP = 'instances.create';

export interface PlannedCreate {
  /** AZ id (`metadata.zone_uuid`); its name goes into `availability_zone`. */
  zoneId: string;
  body(zoneName: string): { server: Record<string, unknown> };
}

export function planCreate(
  req: CreateInstanceRequest,
  options: H3cOptions,
  loginUser: string | undefined,
): PlannedCreate {
  const { spec } = req;
  const zoneId = spec.zone ?? options.defaultZoneId;
  if (!zoneId) throw invalid(OP, 'a zone is required: set spec.zone or options.defaultZoneId');
  const networkId = spec.network.subnetId ?? options.defaultNetworkId;
  if (!networkId) throw invalid(OP, 'a network is required: set spec.network.subnetId or options.defaultNetworkId');
  const userName = options.userName ?? loginUser;
  if (!userName) throw invalid(OP, 'metadata.user_name is required: set options.userName');
  if (spec.dataDisks.length > 0) throw invalid(OP, 'data disks cannot be set at create on this platform');
  if (spec.charge !== 'on_demand') throw invalid(OP, 'only on_demand charging is available on this platform');
  const tags = { ...spec.tags, ...req.tags };
  for (const [k, v] of Object.entries(tags)) {
    if (CONTROL_METADATA_KEYS.has(k)) throw invalid(OP, `tag key ${k} is reserved by the platform's metadata`);
    if (v.length > MAX_METADATA_VALUE) throw invalid(OP, `tag ${k} is longer than ${MAX_METADATA_VALUE} characters`);
  }
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
