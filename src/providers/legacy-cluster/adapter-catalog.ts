/**
 * Catalog and network lookups of the account's backend cloud and region (ops 16–21, 24, 25;
 * A42, A54, A63, A64). The broker's networks are read-only: lists only, and a get is a list
 * searched by id.
 */
import type { Subnet } from '../../domain/network.ts';
import { ProviderError, type ProviderAdapter } from '../contract.ts';
import { PROVIDER } from './client.ts';
import type { LegacyContext } from './context.ts';
import { toImage, toInstanceType, toRegion, toSecurityGroup, toSubnet, toVpc, toZone } from './mapping.ts';
import { PATHS } from './paths.ts';
import {
  WireImageList,
  WireRegionList,
  WireSecurityGroupList,
  WireStringList,
  WireSubnetList,
  WireVpcList,
  WireZoneList,
} from './wire.ts';

/** Subnet lookups run one call per VPC and zone; a few at a time keeps the broker's backend calm. */
const SUBNET_FAN_OUT = 4;

async function eachLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function catalogPart(ctx: LegacyContext): Partial<ProviderAdapter> {
  const { client, options } = ctx;
  const { backend, region } = options;
  const get = (path: string, operation: string) => ({ method: 'GET' as const, path, operation, idempotent: true });

  const listZones = async () =>
    (await client.content(get(PATHS.zones(backend, region), 'catalog.zones'), WireZoneList)).map((z) =>
      toZone(z, region),
    );
  const listVpcs = async () =>
    (await client.content(get(PATHS.vpcs(backend, region), 'vpcs.list'), WireVpcList)).map((v) => toVpc(v, region));
  const listSecurityGroups = async (query: { vpcId?: string }) =>
    (await client.content(get(PATHS.securityGroups(backend, region), 'security_groups.list'), WireSecurityGroupList))
      .map(toSecurityGroup)
      .filter((g) => query.vpcId === undefined || g.vpcId === query.vpcId);

  // Op 20 is keyed by zone and VPC (defect 40): every VPC asked (or of the region) × every zone of the region.
  async function listSubnets(query: { vpcId?: string }): Promise<Subnet[]> {
    const vpcIds = query.vpcId !== undefined ? [query.vpcId] : (await listVpcs()).map((v) => v.id);
    if (vpcIds.length === 0) return [];
    const zones = (await listZones()).map((z) => z.id);
    const pairs = vpcIds.flatMap((vpcId) => zones.map((zone) => ({ vpcId, zone })));
    const pages = await eachLimited(pairs, SUBNET_FAN_OUT, async ({ vpcId, zone }) =>
      (await client.content(get(PATHS.subnets(backend, zone, vpcId), 'subnets.list'), WireSubnetList)).map((s) =>
        toSubnet(s, vpcId, zone),
      ),
    );
    const seen = new Set<string>();
    return pages.flat().filter((s) => !seen.has(s.id) && (seen.add(s.id), true));
  }

  return {
    // No auth exists to prove (A41): verify proves the broker answers and knows the account's backend and region.
    async verifyCredentials() {
      const drivers = await client.content(get(PATHS.providers, 'accounts.verify'), WireStringList);
      if (!drivers.includes(backend))
        throw new ProviderError(
          PROVIDER,
          'accounts.verify',
          'invalid',
          undefined,
          `options.backend ${backend} is not a driver of this broker (it has: ${drivers.join(', ') || 'none'})`,
        );
      const regions = await client.content(get(PATHS.regions(backend), 'accounts.verify'), WireRegionList);
      if (!regions.some((r) => r.RegionName === region))
        throw new ProviderError(
          PROVIDER,
          'accounts.verify',
          'invalid',
          undefined,
          `options.region ${region} is not a region of ${backend}`,
        );
    },

    async listRegions() {
      return (await client.content(get(PATHS.regions(backend), 'catalog.regions'), WireRegionList)).map(toRegion);
    },
    listZones,
    async listInstanceTypes() {
      return (await client.content(get(PATHS.types(backend), 'catalog.instance_types'), WireStringList)).map(
        toInstanceType,
      );
    },
    async listImages() {
      return (await client.content(get(PATHS.images(backend, region), 'catalog.images'), WireImageList)).map(toImage);
    },

    listVpcs,
    async getVpc(id) {
      return (await listVpcs()).find((v) => v.id === id) ?? null;
    },
    listSubnets,
    async getSubnet(id) {
      return (await listSubnets({})).find((s) => s.id === id) ?? null;
    },
    listSecurityGroups,
    async getSecurityGroup(id) {
      return (await listSecurityGroups({})).find((g) => g.id === id) ?? null;
    },
  };
}
