/** Documented network operations beyond the unified model: the default template, the one-call network create, a group's raw rules. */
import { z } from 'zod';
import { ProviderError } from '../contract.ts';
import { define, get, Name, Rule, toRule } from './operation-kit.ts';
import { WireCreatedId, WireGroupRules, WireNetworkTemplate } from './wire.ts';

export const networkOperations = [
  define({
    name: 'network_config.template',
    summary: "The cloud's default network (VPC, switch, security group and rules), a body for network_config.create.",
    input: z.object({}),
    output: z.object({
      cloud: z.string(),
      cidr: z.string(),
      vpcName: z.string(),
      switchCidr: z.string(),
      gatewayIp: z.string(),
      switchName: z.string(),
      securityGroupName: z.string(),
      securityGroupType: z.string(),
      rules: z.array(Rule),
    }),
    async run(client) {
      const t = await client.data(
        get('/network_config/template', 'network_config.template', { provider: client.options.cloud }),
        WireNetworkTemplate,
      );
      return {
        cloud: t.provider,
        cidr: t.cidr_block,
        vpcName: t.vpc_name,
        switchCidr: t.switch_cidr_block,
        gatewayIp: t.gateway_ip,
        switchName: t.switch_name,
        securityGroupName: t.security_group_name,
        securityGroupType: t.security_group_type,
        rules: t.rules.map(toRule),
      };
    },
  }),
  define({
    name: 'network_config.create',
    summary:
      'Creates a VPC, one switch and one security group in one call (network_config/create); answers the VPC id ' +
      '(the switch and group are found with the subnet and security group lists of that VPC).',
    input: z.object({
      region: z.string().min(1).optional(),
      zone: z.string().min(1).optional(),
      cidr: z.string().min(1),
      vpcName: Name,
      switchCidr: z.string().min(1),
      switchName: Name,
      securityGroupName: Name,
      securityGroupType: z.enum(['normal', 'enterprise']).default('normal'),
    }),
    output: z.object({ vpcId: z.string() }),
    async run(client, input) {
      const { options } = client;
      const zone = input.zone ?? options.zone;
      if (!zone)
        throw new ProviderError(
          'bridgx',
          'operations.network_config.create',
          'invalid',
          undefined,
          'zone: required (or set options.zone)',
        );
      const vpcId = await client.data(
        {
          method: 'POST',
          path: '/network_config/create',
          operation: 'operations.network_config.create',
          idempotent: false,
          json: {
            provider: options.cloud,
            region_id: input.region ?? options.region,
            cidr_block: input.cidr,
            vpc_name: input.vpcName,
            zone_id: zone,
            switch_cidr_block: input.switchCidr,
            switch_name: input.switchName,
            security_group_name: input.securityGroupName,
            security_group_type: input.securityGroupType,
            ak: options.accountKey,
          },
        },
        WireCreatedId,
      );
      return { vpcId };
    },
  }),
  define({
    name: 'security_groups.rules',
    summary:
      "A security group's rules as BridgX writes them, peer groups and prefix lists included (security_group/:id/rules).",
    input: z.object({ securityGroupId: z.string().min(1) }),
    output: z.object({ id: z.string(), name: z.string(), type: z.string(), rules: z.array(Rule) }),
    async run(client, input) {
      const g = await client.data(
        get(`/security_group/${encodeURIComponent(input.securityGroupId)}/rules`, 'security_groups.rules', {}),
        WireGroupRules,
      );
      return {
        id: g.security_group_id,
        name: g.security_group_name,
        type: g.security_group_type,
        rules: g.rules.map(toRule),
      };
    },
  }),
];
