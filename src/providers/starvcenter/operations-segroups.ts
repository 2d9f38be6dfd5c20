/**
 * Security-group operations beyond list/get/create/delete (#84–#92): NIC binding, rules one
 * by one, the rules that apply to a VM, and the rules the platform has not yet put in effect.
 * Binding is per NIC (D33): nics.search lists a VM's NIC ids.
 */
import { z } from 'zod';
import { NIC_RECORD } from './operations-storage.ts';
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
  text,
  toParam,
} from './operation-kit.ts';

const RULE_FIELDS = {
  id: 'aclrule_id',
  source: 'aclrule_srcip',
  target: 'aclrule_target',
  direction: 'aclrule_direction',
  port: 'aclrule_vmport',
  protocol: 'aclrule_protocal',
  securityGroupId: 'aclrule_securitygroupid',
};
const RULE = record(RULE_FIELDS);
const VM_RULE = record({ ...RULE_FIELDS, securityGroupName: 'aclrule_securitygroupname', inEffect: 'aclrule_status' });
// #91 answers dotted keys, unlike the other rule searches (D32).
const PENDING = record({ taskId: 'issue.id', ruleId: 'aclrule.id', vmId: 'vm.id', retries: 'retry.num' });

/** D32: the search answers underscored keys; a dotted answer is read too. */
function readRule(wire: unknown) {
  const r = RULE.read(wire);
  const src = (wire ?? {}) as Record<string, unknown>;
  return {
    ...r,
    id: r.id ?? text(src['aclrule.id']),
    securityGroupId: r.securityGroupId ?? text(src['aclrule.securitygroupid']),
  };
}

const Direction = z.enum(['in', 'out']);
const Protocol = z.enum(['tcp', 'udp', 'icmp']);

export const securityGroupOperations = [
  ...(
    [
      ['security_groups.bind_nics', 'Binds NICs to a security group (#84).', 'cloudsegroup/vnic/bind'],
      // D12: documented as `cloudsegroup /vnic/unbind`, sent closed up (A42).
      ['security_groups.unbind_nics', 'Unbinds NICs from a security group (#85).', 'cloudsegroup/vnic/unbind'],
    ] as const
  ).map(([name, summary, path]) =>
    define({
      name,
      summary,
      input: z.object({ securityGroupId: Id, nicIds: z.array(Id).min(1).max(100) }),
      output: Accepted,
      async run(client, input) {
        await client.call({
          method: 'POST',
          path,
          operation: `operations.${name}`,
          idempotent: true,
          // One comma-separated string of NIC ids (L3665).
          param: { 'securitygroup.id': input.securityGroupId, 'vnic.id': input.nicIds.join(',') },
        });
        return accepted();
      },
    }),
  ),
  define({
    name: 'security_groups.search_nics',
    summary: 'Lists the NICs bound to a security group (#86).',
    input: Paging.extend({ securityGroupId: Id, ipAddress: Text.optional() }),
    output: listOutput(NIC_RECORD.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudsegroup/vnic/search',
          operation: 'operations.security_groups.search_nics',
          idempotent: true,
          param: {
            ...toParam(input, { securityGroupId: 'securitygroup.id', ipAddress: 'vnic.ipaddress' }),
            ...pagingParam(input),
          },
        },
        NIC_RECORD.read,
      ),
  }),
  define({
    name: 'security_groups.search_rules',
    summary: 'Searches the rules of one or more security groups (#87).',
    input: Paging.extend({
      securityGroupIds: z.array(Id).min(1).max(100),
      id: Text.optional(),
      port: Text.optional(),
      protocol: Protocol.optional(),
      source: Text.optional(),
      target: Text.optional(),
      direction: Direction.optional(),
    }),
    output: listOutput(RULE.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudsegroup/rule/search',
          operation: 'operations.security_groups.search_rules',
          idempotent: true,
          param: {
            'aclrule.securitygroupid': input.securityGroupIds.join(','),
            ...toParam(input, {
              id: 'aclrule.id',
              port: 'aclrule.vmport',
              protocol: 'aclrule.protocal',
              source: 'aclrule.srcip',
              target: 'aclrule.target',
              direction: 'aclrule.direction',
            }),
            ...pagingParam(input),
          },
        },
        readRule,
      ),
  }),
  define({
    name: 'security_groups.add_rule',
    summary: 'Adds one allow rule to a security group (#88); sources and targets are comma-separated IPs or CIDRs.',
    input: z.object({
      securityGroupId: Id,
      direction: Direction,
      protocol: Protocol.optional(),
      port: Text.optional(),
      source: Text.optional(),
      target: Text.optional(),
    }),
    output: z.object({ id: z.string().nullable() }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudsegroup/rule/add',
        operation: 'operations.security_groups.add_rule',
        idempotent: false,
        param: toParam(input, {
          securityGroupId: 'aclrule.securitygroupid',
          direction: 'aclrule.direction',
          protocol: 'aclrule.protocal',
          port: 'aclrule.vmport',
          source: 'aclrule.srcip',
          target: 'aclrule.target',
        }),
      });
      // D32: this answer's key is dotted.
      return { id: idOf(e.data, 'aclrule.id') ?? idOf(e.data, 'aclrule_id') };
    },
  }),
  define({
    name: 'security_groups.delete_rule',
    summary: 'Deletes a security-group rule (#89).',
    input: z.object({ ruleId: Id }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'DELETE',
        path: `cloudsegroup/rule/${enc(input.ruleId)}`,
        operation: 'operations.security_groups.delete_rule',
        idempotent: true,
      });
      return accepted();
    },
  }),
  define({
    name: 'security_groups.vm_rules',
    summary: 'Lists the security-group rules that apply to a VM and whether each is in effect (#90).',
    input: Paging.extend({ vmId: Id }),
    output: listOutput(VM_RULE.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudsegroup/rule/vm',
          operation: 'operations.security_groups.vm_rules',
          idempotent: true,
          param: { 'vm.id': input.vmId, ...pagingParam(input) },
        },
        VM_RULE.read,
      ),
  }),
  define({
    name: 'security_groups.pending_rules',
    summary: 'Lists rules the platform has not yet put in effect, with their retry counts (#91).',
    input: Paging.extend({ vmId: Text.optional(), securityGroupId: Text.optional() }),
    output: listOutput(PENDING.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudsegroup/retryrule/search',
          operation: 'operations.security_groups.pending_rules',
          idempotent: true,
          param: { ...toParam(input, { vmId: 'vm.id', securityGroupId: 'securitygroup.id' }), ...pagingParam(input) },
        },
        PENDING.read,
      ),
  }),
  define({
    name: 'security_groups.retry_rules',
    summary: 'Re-applies every rule of the tenant not yet in effect (#92; parameters undocumented, `{}` is sent).',
    input: z.object({}),
    output: Accepted,
    async run(client) {
      await client.call({
        method: 'PUT',
        path: 'cloudsegroup/retryrule/reset',
        operation: 'operations.security_groups.retry_rules',
        idempotent: true,
        param: {},
      });
      return accepted();
    },
  }),
];
