/**
 * Catalogs and networks on BridgX (A44, A52, A53, A65–A68, A70). Describes read BridgX's own
 * copy of the cloud's networks (§2.11), refreshed by `network_config/sync`. VPC, switch and
 * security group ids are the cloud's (D19); a switch is read through its VPC.
 */
import type { Image, InstanceType, Region, Zone } from '../../domain/catalog.ts';
import type { CreateSecurityGroup, CreateSubnet, CreateVpc, SecurityGroup, Subnet, Vpc } from '../../domain/network.ts';
import { ProviderError } from '../contract.ts';
import { parseData, type BridgxClient } from './client.ts';
import { toImage, toInstanceType, toRegion, toSecurityGroup, toSubnet, toVpc, toZone } from './mapping.ts';
import {
  WireCreatedId,
  WireGroupList,
  WireGroupRules,
  WireImage,
  WireInstanceType,
  WireRegion,
  WireSwitch,
  WireSwitchList,
  WireVpc,
  WireVpcList,
  WireZone,
} from './wire.ts';
import { z } from 'zod';

const invalid = (operation: string, detail: string) =>
  new ProviderError('bridgx', operation, 'invalid', undefined, detail);

/** A44: BridgX has no not-found code; an id it does not know is a `400 param_invalid`. */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof ProviderError && (err.kind === 'invalid' || err.kind === 'not_found')) return null;
    throw err;
  }
}

const PORTLESS = new Set(['icmp', 'gre', 'all']);
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'gre', 'all']);

/** A unified rule in create_with_rule's encoding (A66): `from/to`, `-1/-1` for portless protocols. */
export function wireRule(rule: CreateSecurityGroup['rules'][number]) {
  const protocol = rule.protocol.toLowerCase();
  if (!PROTOCOLS.has(protocol))
    throw invalid('security_groups.create', `protocol ${rule.protocol}: one of tcp, udp, icmp, gre, all`);
  if (rule.action === 'deny')
    throw invalid('security_groups.create', 'BridgX rules only allow traffic (no deny policy)');
  let portRange = '-1/-1';
  if (!PORTLESS.has(protocol)) {
    const m = /^\s*(\d+)\s*(?:[-/:]\s*(\d+))?\s*$/.exec(rule.portRange ?? '1-65535');
    if (!m) throw invalid('security_groups.create', `portRange ${rule.portRange ?? ''}: a port or from-to`);
    portRange = `${m[1]}/${m[2] ?? m[1]}`;
  }
  return { protocol, port_range: portRange, direction: rule.direction, cidr_ip: rule.cidr ?? '0.0.0.0/0' };
}

export function createNetworks(client: BridgxClient) {
  const { options } = client;
  const cloud = options.cloud;
  const region = options.region;
  const get = (path: string, operation: string, query: Record<string, string | undefined> = {}) =>
    ({ method: 'GET', path, operation, idempotent: true, query }) as const;

  const listVpcs = async (): Promise<Vpc[]> =>
    (
      await client.all(get('/vpc/describe', 'vpcs.list', { provider: cloud, region_id: region }), (data) => {
        const page = parseData('vpcs.list', WireVpcList, data);
        return { items: page.vpcs, total: page.pager.total };
      })
    ).map((v) => toVpc(v, region));

  const getVpc = async (id: string): Promise<Vpc | null> => {
    const v = await orNull(client.data(get(`/vpc/info/${encodeURIComponent(id)}`, 'vpcs.get'), WireVpc));
    // The detail names no region (§4.16).
    return v ? toVpc(v, null) : null;
  };

  const vpcIdsFor = async (vpcId: string | undefined) => (vpcId ? [vpcId] : (await listVpcs()).map((v) => v.id));

  const readSubnet = (id: string, vpcId: string) =>
    orNull(client.data(get(`/subnet/info/${encodeURIComponent(id)}`, 'subnets.get', { vpc_id: vpcId }), WireSwitch));

  const readGroup = (id: string, operation: string) =>
    orNull(client.data(get(`/security_group/${encodeURIComponent(id)}/rules`, operation), WireGroupRules));

  const listZones = async (): Promise<Zone[]> => {
    const zones = await client.data(
      get('/zone/list', 'catalog.zones', { provider: cloud, region_id: region }),
      z.array(WireZone),
    );
    return zones.map((z) => toZone(z, region));
  };

  return {
    async listRegions(): Promise<Region[]> {
      return (await client.data(get('/region/list', 'catalog.regions', { provider: cloud }), z.array(WireRegion))).map(
        toRegion,
      );
    },

    listZones,

    /** A65: types are listed per zone; one type offered in several zones is one entry naming them all. */
    async listInstanceTypes(): Promise<InstanceType[]> {
      const zones = await listZones();
      const byId = new Map<string, { type: z.infer<typeof WireInstanceType>; zones: string[] }>();
      for (const zone of zones) {
        const types = await client.data(
          get('/instance_type/list', 'catalog.instance_types', {
            provider: cloud,
            region_id: region,
            zone_id: zone.id,
          }),
          z.array(WireInstanceType),
        );
        for (const t of types) {
          const seen = byId.get(t.instance_type);
          if (seen) seen.zones.push(zone.id);
          else byId.set(t.instance_type, { type: t, zones: [zone.id] });
        }
      }
      return [...byId.values()].map(({ type, zones: in_ }) => toInstanceType(type, in_));
    },

    async listImages(): Promise<Image[]> {
      return (
        await client.data(
          get('/image/list', 'catalog.images', { provider: cloud, region_id: region }),
          z.array(WireImage),
        )
      ).map(toImage);
    },

    listVpcs,
    getVpc,

    async createVpc(input: CreateVpc): Promise<Vpc> {
      const at = input.region ?? region;
      const id = await client.data(
        {
          method: 'POST',
          path: '/vpc/create',
          operation: 'vpcs.create',
          idempotent: false,
          json: {
            provider: cloud,
            region_id: at,
            cidr_block: input.cidr,
            vpc_name: input.name,
            ak: options.accountKey,
          },
        },
        WireCreatedId,
      );
      // A70: a new VPC is `Pending` until the cloud finishes it.
      const read = await getVpc(id);
      return read ? { ...read, region: at } : { id, name: input.name, cidr: input.cidr, region: at, status: 'Pending' };
    },

    async listSubnets(query: { vpcId?: string }): Promise<Subnet[]> {
      const out: Subnet[] = [];
      for (const vpcId of await vpcIdsFor(query.vpcId)) {
        const switches = await client.all(get('/subnet/describe', 'subnets.list', { vpc_id: vpcId }), (data) => {
          const page = parseData('subnets.list', WireSwitchList, data);
          return { items: page.switches, total: page.pager.total };
        });
        out.push(...switches.map((s) => toSubnet(s, vpcId)));
      }
      return out;
    },

    /** A67: the detail needs the switch's VPC, which the unified call does not give: each VPC is asked. */
    async getSubnet(id: string): Promise<Subnet | null> {
      const candidates = [...new Set([...(options.vpcId ? [options.vpcId] : []), ...(await vpcIdsFor(undefined))])];
      for (const vpcId of candidates) {
        const found = await readSubnet(id, vpcId);
        if (found) return toSubnet(found, vpcId);
      }
      return null;
    },

    async createSubnet(input: CreateSubnet): Promise<Subnet> {
      const zone = input.zone ?? options.zone;
      if (!zone) throw invalid('subnets.create', 'zone: required (or set options.zone)');
      // A52: a create sent as GET with a query string (D10); never repeated by the HTTP layer.
      const id = await client.data(
        {
          method: 'GET',
          path: '/subnet/create',
          operation: 'subnets.create',
          idempotent: false,
          query: {
            account_key: options.accountKey,
            zone_id: zone,
            cidr_block: input.cidr,
            vpc_id: input.vpcId,
            switch_name: input.name,
          },
        },
        WireCreatedId,
      );
      const read = await readSubnet(id, input.vpcId);
      return read
        ? toSubnet(read, input.vpcId)
        : { id, name: input.name, vpcId: input.vpcId, cidr: input.cidr, zone, gateway: null };
    },

    /** A66: the describe has no rules; each group's rules are read by its detail. */
    async listSecurityGroups(query: { vpcId?: string }): Promise<SecurityGroup[]> {
      const out: SecurityGroup[] = [];
      for (const vpcId of await vpcIdsFor(query.vpcId)) {
        const groups = await client.all(
          get('/security_group/describe', 'security_groups.list', { vpc_id: vpcId, region_id: region }),
          (data) => {
            const page = parseData('security_groups.list', WireGroupList, data);
            return { items: page.groups, total: page.pager.total };
          },
        );
        for (const g of groups) {
          const detail = await readGroup(g.security_group_id, 'security_groups.list');
          out.push(
            toSecurityGroup(
              detail ?? {
                security_group_id: g.security_group_id,
                security_group_name: g.security_group_name,
                security_group_type: g.security_group_type,
                vpc_id: g.vpc_id,
                rules: [],
              },
              vpcId,
            ),
          );
        }
      }
      return out;
    },

    async getSecurityGroup(id: string): Promise<SecurityGroup | null> {
      const g = await readGroup(id, 'security_groups.get');
      return g ? toSecurityGroup(g, null) : null;
    },

    async createSecurityGroup(input: CreateSecurityGroup): Promise<SecurityGroup> {
      const vpcId = input.vpcId ?? options.vpcId;
      if (!vpcId) throw invalid('security_groups.create', 'vpcId: required (or set options.vpcId)');
      const rules = input.rules.map(wireRule);
      const id = await client.data(
        {
          method: 'POST',
          path: '/security_group/create_with_rule',
          operation: 'security_groups.create',
          idempotent: false,
          json: { account_key: options.accountKey, vpc_id: vpcId, security_group_name: input.name, rules },
        },
        WireCreatedId,
      );
      const read = await readGroup(id, 'security_groups.create');
      return read
        ? toSecurityGroup(read, vpcId)
        : {
            id,
            name: input.name,
            vpcId,
            description: null,
            rules: input.rules.map((r) => ({ ...r, action: 'allow' })),
          };
    },

    /** A53: the sync answers once BridgX has re-read the region, so its job is done when handed out. */
    async syncNetworks(request: { region?: string }): Promise<{ jobId: string }> {
      const at = request.region ?? region;
      await client.data(
        {
          method: 'POST',
          path: '/network_config/sync',
          operation: 'networks.sync',
          // A refresh: sending it twice leaves the same copy.
          idempotent: true,
          // It reads a whole region from the cloud before answering.
          timeoutMs: 120_000,
          json: { provider: cloud, region_id: at, account_key: options.accountKey },
        },
        z.unknown(),
      );
      return { jobId: `sync:${cloud}:${at}:${Date.now()}` };
    },
  };
}
