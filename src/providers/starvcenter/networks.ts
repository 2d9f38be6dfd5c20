/**
 * Private networks as VPCs and subnets (A62) and security groups with their rules (A63), over
 * `cloudnetwork/vpc/*` (#22–#25) and `cloudsegroup/*` (#81–#83, #87, #88). Part of the
 * adapter; split out because it is its own job.
 */
import type { CreateSecurityGroup, CreateVpc, SecurityGroup, Subnet, Vpc } from '../../domain/network.ts';
import { ProviderError, type ProviderAdapter } from '../contract.ts';
import { PROVIDER, type StarVCenterClient } from './client.ts';
import { toSecurityGroup, toSubnet, toVpc } from './mapping.ts';
import { WireNetwork, WireSecurityGroup, WireSgRule, wireIdOf } from './wire.ts';

type NetworkMethods = Required<
  Pick<
    ProviderAdapter,
    | 'listVpcs'
    | 'getVpc'
    | 'createVpc'
    | 'deleteVpc'
    | 'listSubnets'
    | 'getSubnet'
    | 'listSecurityGroups'
    | 'getSecurityGroup'
    | 'createSecurityGroup'
    | 'deleteSecurityGroup'
  >
>;

const enc = encodeURIComponent;

export function createNetworkMethods(client: StarVCenterClient): NetworkMethods {
  const networks = (operation: string) =>
    client.listAll(
      { method: 'POST', path: 'cloudnetwork/vpc/search', operation, idempotent: true, param: {} },
      WireNetwork,
    );

  /** All rules of these groups in one paged search: `aclrule.securitygroupid` takes a comma-separated list (L3762). */
  async function rulesOf(operation: string, groupIds: string[]): Promise<WireSgRule[]> {
    if (groupIds.length === 0) return [];
    return client.listAll(
      {
        method: 'POST',
        path: 'cloudsegroup/rule/search',
        operation,
        idempotent: true,
        param: { 'aclrule.securitygroupid': groupIds.join(',') },
      },
      WireSgRule,
    );
  }

  async function groups(operation: string, id?: string): Promise<SecurityGroup[]> {
    const found = await client.listAll(
      {
        method: 'POST',
        path: 'cloudsegroup/search',
        operation,
        idempotent: true,
        param: id !== undefined ? { 'securitygroup.id': id } : {},
      },
      WireSecurityGroup,
    );
    // The filter's matching is not documented: compare exactly.
    const wanted = id === undefined ? found : found.filter((g) => g['securitygroup.id'] === id);
    const rules = await rulesOf(
      operation,
      wanted.map((g) => g['securitygroup.id']),
    );
    return wanted.map((g) => toSecurityGroup(g, rules));
  }

  async function addRule(groupId: string, rule: CreateSecurityGroup['rules'][number]): Promise<void> {
    const ingress = rule.direction === 'ingress';
    const protocol = rule.protocol.trim().toLowerCase();
    await client.call({
      method: 'POST',
      path: 'cloudsegroup/rule/add',
      operation: 'security_groups.create',
      idempotent: false,
      param: {
        'aclrule.securitygroupid': groupId,
        'aclrule.direction': ingress ? 'in' : 'out',
        ...(protocol && protocol !== 'all' && protocol !== '-1' ? { 'aclrule.protocal': protocol } : {}),
        // A67 The unified range is `from-to` (lists comma-separated); the platform writes `from:to`.
        ...(rule.portRange ? { 'aclrule.vmport': rule.portRange.replace(/-/g, ':') } : {}),
        ...(rule.cidr ? { [ingress ? 'aclrule.srcip' : 'aclrule.target']: rule.cidr } : {}),
      },
    });
  }

  return {
    async listVpcs(): Promise<Vpc[]> {
      return (await networks('vpcs.list')).map(toVpc);
    },
    async getVpc(id) {
      // #25 documents no filter: one network is found in the list.
      const hit = (await networks('vpcs.get')).find((n) => n['vpc.id'] === id);
      return hit ? toVpc(hit) : null;
    },
    async createVpc(input: CreateVpc) {
      // A62: the platform allocates the CIDR; the requested one has no field and is not sent.
      const created = await client.data(
        {
          method: 'POST',
          path: 'cloudnetwork/vpc/create',
          operation: 'vpcs.create',
          idempotent: false,
          param: { 'vpc.name': input.name },
        },
        WireNetwork,
      );
      return toVpc(created);
    },
    async deleteVpc(id) {
      // D26: the only delete sent as a POST.
      await client.call({
        method: 'POST',
        path: 'cloudnetwork/vpc/delete',
        operation: 'vpcs.delete',
        idempotent: true,
        param: { 'vpc.id': id },
      });
    },
    async listSubnets(query): Promise<Subnet[]> {
      const all = (await networks('subnets.list')).map(toSubnet);
      return query.vpcId === undefined ? all : all.filter((s) => s.vpcId === query.vpcId);
    },
    async getSubnet(id) {
      const hit = (await networks('subnets.get')).find((n) => n['vpc.id'] === id);
      return hit ? toSubnet(hit) : null;
    },
    async listSecurityGroups(query) {
      // Groups belong to the tenant, not to a network: a VPC filter leaves none (vpcId is always null).
      if (query.vpcId !== undefined) return [];
      return groups('security_groups.list');
    },
    async getSecurityGroup(id) {
      return (await groups('security_groups.get', id))[0] ?? null;
    },
    async createSecurityGroup(input) {
      for (const rule of input.rules)
        if (rule.action !== 'allow')
          throw new ProviderError(
            PROVIDER,
            'security_groups.create',
            'invalid',
            undefined,
            'StarVCenter security-group rules only allow traffic: a deny rule has no wire form',
          );
      if (input.vpcId !== undefined)
        throw new ProviderError(
          PROVIDER,
          'security_groups.create',
          'invalid',
          undefined,
          'StarVCenter security groups belong to the tenant, not to a network: leave vpcId unset',
        );
      const made = await client.data(
        {
          method: 'POST',
          path: 'cloudsegroup/create',
          operation: 'security_groups.create',
          idempotent: false,
          param: {
            'securitygroup.name': input.name,
            ...(input.description ? { 'securitygroup.desc': input.description } : {}),
          },
        },
        wireIdOf('securitygroup.id'),
      );
      const id = String(made['securitygroup.id']);
      try {
        for (const rule of input.rules) await addRule(id, rule);
      } catch (err) {
        // A63: a group missing some of its rules is worse than none; the refusal is what the caller sees.
        await client
          .call({
            method: 'DELETE',
            path: `cloudsegroup/${enc(id)}`,
            operation: 'security_groups.create',
            idempotent: true,
          })
          .catch(() => undefined);
        throw err;
      }
      return (
        (await groups('security_groups.create', id))[0] ?? {
          id,
          name: input.name,
          vpcId: null,
          description: input.description ?? null,
          rules: input.rules,
        }
      );
    },
    async deleteSecurityGroup(id) {
      await client.call({
        method: 'DELETE',
        path: `cloudsegroup/${enc(id)}`,
        operation: 'security_groups.delete',
        idempotent: true,
      });
    },
  };
}
