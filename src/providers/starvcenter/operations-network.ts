/**
 * Network operations beyond VPCs and subnets (#23, #26–#33, #58–#62, #66): shared-network IP
 * mappings, port mappings, access-control rules, the subnet edge firewall, cloud routers and
 * the external IP pool. Each family keeps its own key spelling (A45): underscored ACL search
 * keys, dotted ACL add keys, camelCase port-mapping and NAT-search keys.
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
  idOf,
  listOutput,
  pagingParam,
  record,
  searchRecords,
  toParam,
} from './operation-kit.ts';

const Protocol = z.enum(['tcp', 'udp', 'icmp']);

const SHARE_MAPPING = record({ id: 'nat.id', vmId: 'vm.id', vmName: 'vm.name', sharedIp: 'tenant.shareip' });
const ACL_RULE = record({
  id: 'aclrule_id',
  type: 'aclrule_type',
  routerId: 'aclrule_vrouteid',
  subnetId: 'aclrule_vnetid',
  target: 'aclrule_target',
  vmName: 'vmname',
  source: 'aclrule_srcip',
  port: 'aclrule_vmport',
  protocol: 'aclrule_protocal',
  routerName: 'aclrule_vroutename',
  tenantName: 'aclrule_appname',
  tenantId: 'aclrule_appid',
});

export const networkOperations = [
  define({
    name: 'networks.modify',
    summary: 'Renames a private network (VPC/subnet) or changes its description (#23).',
    input: z.object({ networkId: Id, name: Text.min(1).optional(), description: Text.optional() }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'PUT',
        path: 'cloudnetwork/vpc/modify',
        operation: 'operations.networks.modify',
        idempotent: true,
        param: toParam(input, { networkId: 'vpc.id', name: 'vpc.name', description: 'vpc.desc' }),
      });
      return accepted();
    },
  }),
  define({
    name: 'share_net.connect',
    summary: "Maps a VM onto the tenants' shared network (#26); answers the shared IP.",
    input: z.object({
      vmId: Id,
      outerIp: Text.optional(),
      allowedSources: Text.optional(),
      description: Text.optional(),
    }),
    output: z.object({ sharedIp: z.string().nullable() }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudnetwork/sharenet/connect',
        operation: 'operations.share_net.connect',
        idempotent: false,
        param: toParam(input, {
          vmId: 'vm.id',
          outerIp: 'vm.outer.ipaddress',
          allowedSources: 'vm.allow.srcip',
          description: 'desc',
        }),
      });
      return { sharedIp: idOf(e.data, 'tenant.shareip') };
    },
  }),
  define({
    name: 'share_net.search',
    summary: 'Lists shared-network IP mappings (#27; VM name and IP fuzzy; paged, page 1 of 30 by default).',
    input: Paging.extend({ vmName: Text.optional(), sharedIp: Text.optional() }),
    output: listOutput(SHARE_MAPPING.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudnetwork/sharenet/search',
          operation: 'operations.share_net.search',
          idempotent: true,
          param: { ...toParam(input, { vmName: 'vm.name', sharedIp: 'tenant.shareip' }), ...pagingParam(input, true) },
        },
        SHARE_MAPPING.read,
      ),
  }),
  define({
    name: 'port_mappings.create',
    summary:
      'Maps an external IP and port onto a VM port (#28). The answer is undocumented; its id is read if present.',
    input: z.object({
      innerIp: Id,
      innerPort: z.number().int().min(1).max(65535),
      outerIp: Id,
      outerPort: z.number().int().min(1).max(65535),
      protocol: Protocol,
      sourceIp: Text.optional(),
      description: Text.optional(),
    }),
    output: z.object({ id: z.string().nullable() }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudnetwork/portMapping/create',
        operation: 'operations.port_mappings.create',
        idempotent: false,
        param: toParam(input, {
          innerIp: 'innerIp',
          innerPort: 'innerPort',
          outerIp: 'ipaddress',
          outerPort: 'outerPort',
          protocol: 'protocal',
          sourceIp: 'sourceIp',
          description: 'desc',
        }),
      });
      return { id: idOf(e.data, 'nat.id') ?? idOf(e.data, 'nat_id') };
    },
  }),
  define({
    name: 'ip_mappings.delete',
    summary: 'Deletes an IP or port mapping by its id (#29; from share_net.search or routers.search_mappings).',
    input: z.object({ id: Id }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'DELETE',
        path: `cloudnetwork/ipmapping/${enc(input.id)}`,
        operation: 'operations.ip_mappings.delete',
        idempotent: true,
      });
      return accepted();
    },
  }),
  define({
    name: 'access_rules.search',
    summary: 'Lists access-control rules (#30; target and subnet fuzzy; paged, page 1 of 30 by default).',
    input: Paging.extend({
      target: Text.optional(),
      subnetId: Text.optional(),
      type: z.enum(['net_gate', 'net_inner']).optional(),
      port: Text.optional(),
      routerId: Text.optional(),
    }),
    output: listOutput(ACL_RULE.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudnetwork/acessrule/search',
          operation: 'operations.access_rules.search',
          idempotent: true,
          param: {
            ...toParam(input, {
              target: 'aclrule_target',
              subnetId: 'aclrule_vnetid',
              type: 'aclrule_type',
              port: 'aclrule_vmport',
              routerId: 'aclrule_vrouteid',
            }),
            ...pagingParam(input, true),
          },
        },
        ACL_RULE.read,
      ),
  }),
  define({
    name: 'access_rules.add',
    summary:
      'Adds an access-control rule for a VM IP (#31): `net_gate` at the network edge, or `net_inner` inside it ' +
      '(which needs a direction). Ports may be ranges such as `80:83,85`.',
    input: z
      .object({
        vmIp: Id,
        type: z.enum(['net_gate', 'net_inner']),
        description: Text.optional(),
        direction: z.enum(['in', 'out']).optional(),
        destinations: Text.optional(),
        ports: Text.optional(),
        sources: Text.optional(),
        protocol: Protocol.optional(),
      })
      .refine((i) => i.type !== 'net_inner' || i.direction, 'net_inner rules need a direction')
      .refine((i) => !i.ports || i.protocol, 'a rule with ports needs a protocol'),
    output: z.object({ id: z.string().nullable() }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudnetwork/acessrule/add',
        operation: 'operations.access_rules.add',
        idempotent: false,
        param: toParam(input, {
          vmIp: 'vm.ip',
          type: 'aclrule.type',
          description: 'aclrule.desc',
          direction: 'allow.direction',
          destinations: 'allow.dstips',
          ports: 'allow.internalport',
          sources: 'allow.sourceips',
          // Spelled "protocol" here, "protocal" everywhere else (D11).
          protocol: 'allow.protocol',
        }),
      });
      return { id: idOf(e.data, 'rule.id') };
    },
  }),
  define({
    name: 'access_rules.delete',
    summary: 'Deletes an access-control rule (#32).',
    input: z.object({ id: Id }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'DELETE',
        path: `cloudnetwork/acessrule/${enc(input.id)}`,
        operation: 'operations.access_rules.delete',
        idempotent: true,
      });
      return accepted();
    },
  }),
  define({
    name: 'netgate.switch',
    summary: "Opens or closes a subnet's edge firewall (#33).",
    input: z.object({ subnetId: Id, open: z.boolean() }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'POST',
        path: 'cloudnetwork/netgate',
        operation: 'operations.netgate.switch',
        idempotent: true,
        param: { 'portgroup.id': input.subnetId, type: input.open ? 'open' : 'close' },
      });
      return accepted();
    },
  }),
];
