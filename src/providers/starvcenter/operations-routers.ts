/**
 * Cloud routers (#58–#62) and the external IP pool their NAT mappings draw from (#66). A
 * router is itself a VM; NAT-search keys are camelCase, its answers `nat_*` (and `net_*`).
 */
import { z } from 'zod';
import {
  Accepted,
  Id,
  Paging,
  Text,
  accepted,
  define,
  enc,
  listOutput,
  pagingParam,
  record,
  searchRecords,
  toParam,
} from './operation-kit.ts';

const ROUTER = record({
  id: 'vroute.id',
  name: 'vroute.name',
  description: 'vroute.desc',
  createdAt: 'vroute.createtime',
  registerAddress: 'vroute.register.address',
  online: 'vroute.online',
  manageIp: 'vroute.manageip',
});

const NAT_MAPPING = record({
  id: 'nat_id',
  type: 'nat_type',
  outerIp: 'nat_outerip',
  outerPort: 'nat_outerport',
  innerIp: 'nat_innerip',
  innerPort: 'nat_innerport',
  protocol: 'nat_protocal',
  usedTime: 'nat_usedtime',
  // D11: documented with a `net_` prefix among the `nat_*` keys.
  vmId: 'net_vmid',
  vmName: 'net_vmname',
  subnetId: 'nat_vnetid',
  routerId: 'nat_vrouteid',
  description: 'nat_desc',
  source: 'nat_srcip',
});

const OUTER_IP = record({ ipAddress: 'ipaddress', ports: 'ports', gateway: 'gateway', netmask: 'netmask' });

/** `nat_vmid`/`nat_vmname` are read when the documented `net_` keys are absent (catalog §4.9). */
function readNat(wire: unknown) {
  const r = NAT_MAPPING.read(wire);
  const src = (wire ?? {}) as Record<string, unknown>;
  return {
    ...r,
    vmId: r.vmId ?? (typeof src.nat_vmid === 'string' ? src.nat_vmid : null),
    vmName: r.vmName ?? (typeof src.nat_vmname === 'string' ? src.nat_vmname : null),
  };
}

export const routerOperations = [
  define({
    name: 'routers.create',
    summary: 'Creates a cloud router, itself a VM (two for an HA pair) (#58). Async: one job id per router VM.',
    input: z.object({ name: Text.min(1).optional(), highAvailability: z.boolean().optional(), wanIp: Text.optional() }),
    output: z.object({
      routers: z.array(
        z.object({
          vmId: z.string().nullable(),
          name: z.string().nullable(),
          wanIp: z.string().nullable(),
          startId: z.string().nullable(),
        }),
      ),
    }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'vroute/create',
        operation: 'operations.routers.create',
        idempotent: false,
        param: toParam(input, { name: 'vroute.name', highAvailability: 'vroute.ha.enable', wanIp: 'vroute.manageip' }),
      });
      const read = record({ vmId: 'vm.id', name: 'vm.name', wanIp: 'vm.manageip', startId: 'jobstartid' }).read;
      return { routers: (Array.isArray(e.data) ? e.data : e.data ? [e.data] : []).map(read) };
    },
  }),
  ...(
    [
      [
        'routers.attach_subnet',
        'Attaches a subnet to the tenant cloud router (#59; the router is not named, D14).',
        'vroute/vpcAdd',
      ],
      ['routers.detach_subnet', 'Detaches a subnet from the tenant cloud router (#60).', 'vroute/vpcDelete'],
    ] as const
  ).map(([name, summary, path]) =>
    define({
      name,
      summary,
      input: z.object({ subnetId: Id }),
      output: Accepted,
      async run(client, input) {
        await client.call({
          method: 'POST',
          path,
          operation: `operations.${name}`,
          idempotent: true,
          param: { 'portgroup.id': input.subnetId },
        });
        return accepted();
      },
    }),
  ),
  define({
    name: 'routers.get',
    summary: 'Shows a cloud router by its VM id (#61).',
    input: z.object({ vmId: Id }),
    output: ROUTER.schema,
    async run(client, input) {
      const e = await client.call({
        method: 'GET',
        path: `vroute/${enc(input.vmId)}`,
        operation: 'operations.routers.get',
        idempotent: true,
      });
      return ROUTER.read(e.data);
    },
  }),
  define({
    name: 'routers.search_mappings',
    summary: 'Searches the NAT mappings of cloud routers (#62); no page = every mapping.',
    input: Paging.extend({
      outerIp: Text.optional(),
      type: z.enum(['ip', 'port']).optional(),
      outerPort: Text.optional(),
      innerPort: Text.optional(),
      innerIp: Text.optional(),
      routerId: Text.optional(),
      tenantId: Text.optional(),
    }),
    output: listOutput(NAT_MAPPING.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'vroute/Mapping/search',
          operation: 'operations.routers.search_mappings',
          idempotent: true,
          param: {
            ...toParam(input, {
              outerIp: 'natOuterip',
              type: 'natType',
              outerPort: 'natOuterport',
              innerPort: 'natInnerport',
              innerIp: 'natInnerip',
              routerId: 'natVrouteid',
              tenantId: 'natAppid',
            }),
            ...pagingParam(input),
          },
        },
        readNat,
      ),
  }),
  define({
    name: 'ip_pool.search',
    summary: 'Lists external IPs usable for mappings (#66); empty `ports` = unused; no page = every IP.',
    input: Paging.extend({
      innerIp: Text.optional(),
      type: z.enum(['ip', 'port']).optional(),
      ipAddress: Text.optional(),
      tenantId: Text.optional(),
      exactIpAddress: Text.optional(),
    }),
    output: listOutput(OUTER_IP.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudip/mapping/outerIp/search',
          operation: 'operations.ip_pool.search',
          idempotent: true,
          param: {
            ...toParam(input, {
              innerIp: 'inner.ip',
              type: 'nat.type',
              ipAddress: 'ipaddress',
              tenantId: 'tenant.id',
              exactIpAddress: 'ipaddress.only',
            }),
            ...pagingParam(input),
          },
        },
        OUTER_IP.read,
      ),
  }),
];
