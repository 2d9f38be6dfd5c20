/**
 * The BridgX adapter against its simulator over HTTP: credentials and the optional token,
 * catalogs, networks (casing and both pager spellings, creates, the region sync), machines
 * (page tokens, detail merged with the list, timestamps with their zone) and the error codes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Image, InstanceType, Region, Zone } from '../../../src/domain/catalog.ts';
import { ProviderInstance } from '../../../src/domain/instance.ts';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { SecurityGroup, Subnet, Vpc } from '../../../src/domain/network.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import {
  DEMO_ACCOUNT,
  DEMO_CLOUD_ONLY_NETWORK,
  DEMO_IMAGE,
  DEMO_NETWORK,
  DEMO_REGION,
} from '../../../src/providers/bridgx/simulator.ts';
import { BASE_OPTIONS, PASSWORD, rejection, startBridgx, type BridgxHarness } from './harness.ts';

let h: BridgxHarness;
let p: Provider;

beforeAll(async () => {
  h = await startBridgx({ timing: { taskStartMs: 0 }, config: { delays: { bootMs: 0, deleteMs: 0 } } });
  p = h.provider().provider;
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('POST', '/reset', {});
  await h.control('PATCH', '/bridgx/auth', { requireToken: false });
});

describe('credentials', () => {
  it('verifies with the cluster list and a sync of the account region', async () => {
    await p.verifyCredentials();
    const counts = await h.counts();
    expect(counts['clusters.list']).toBe(1);
    expect(counts['network_config.sync']).toBe(1);
  });

  it('sends the bearer token, and reads a missing one as auth once BridgX requires it', async () => {
    await h.control('PATCH', '/bridgx/auth', { requireToken: true });
    const anonymous = h.provider({}).provider;
    const err = await rejection(anonymous.listRegions());
    expect(err).toMatchObject({ kind: 'auth', providerCode: '401' });
    expect(err.message).not.toContain('bridgx-demo-token');
    await expect(p.listRegions()).resolves.toBeDefined();
    const wrong = h.provider({ token: 'not-the-token' }).provider;
    expect((await rejection(wrong.listRegions())).kind).toBe('auth');
  });

  it('refuses an AccessKey BridgX does not know with its own code and message', async () => {
    const stranger = h.provider(undefined, { ...BASE_OPTIONS, accountKey: 'LTAI-not-registered' }).provider;
    expect(await rejection(stranger.verifyCredentials())).toMatchObject({
      kind: 'invalid',
      providerCode: '400',
      providerMessage: 'param_invalid',
    });
  });
});

describe('catalog', () => {
  it('lists regions, zones, instance types per zone and images of the account region', async () => {
    const regions = z.array(Region).parse(await p.listRegions());
    expect(regions.map((r) => r.id)).toContain(DEMO_REGION);
    const zones = z.array(Zone).parse(await p.listZones());
    expect(zones.length).toBeGreaterThan(0);
    expect(zones.every((z) => z.region === DEMO_REGION)).toBe(true);
    const types = z.array(InstanceType).parse(await p.listInstanceTypes());
    expect(types.length).toBeGreaterThan(0);
    // One entry per type, naming the zones it is offered in; memory from GB to MiB.
    expect(new Set(types.map((t) => t.id)).size).toBe(types.length);
    for (const t of types) {
      expect(t.zones!.every((z) => zones.some((zone) => zone.id === z))).toBe(true);
      expect(t.memoryMiB % 1024).toBe(0);
    }
    expect((await h.counts())['instance_types.list']).toBe(zones.length);
    const images = z.array(Image).parse(await p.listImages());
    expect(images.map((i) => i.id)).toContain(DEMO_IMAGE);
  });
});

describe('networks', () => {
  it('reads the PascalCase describes and their Pager over every page', async () => {
    const raw = await h.raw('GET', `/api/v1/vpc/describe?provider=${DEMO_ACCOUNT.provider}&region_id=${DEMO_REGION}`);
    expect(raw.text).toContain('"Pager"');
    expect(raw.text).toContain('"VpcId"');
    for (let i = 0; i < 55; i++) {
      const res = await h.raw('POST', '/api/v1/vpc/create', {
        provider: DEMO_ACCOUNT.provider,
        region_id: DEMO_REGION,
        cidr_block: '10.0.0.0/16',
        vpc_name: `bulk-vpc-${i}`,
        ak: DEMO_ACCOUNT.ak,
      });
      expect(res.text).toContain('"code":200');
    }
    await h.control('DELETE', '/calls');
    const vpcs = z.array(Vpc).parse(await p.listVpcs());
    expect(vpcs.length).toBeGreaterThanOrEqual(56);
    expect(new Set(vpcs.map((v) => v.id)).size).toBe(vpcs.length);
    expect((await h.counts())['vpcs.describe']).toBe(2);
  });

  it('gets a VPC, a switch through its VPC and a group with its rules; unknown ids are null', async () => {
    expect(await p.getVpc(DEMO_NETWORK.vpcId)).toMatchObject({ id: DEMO_NETWORK.vpcId, cidr: DEMO_NETWORK.vpcCidr });
    expect(await p.getVpc('vpc-missing')).toBeNull();
    // A provider with no default VPC finds the switch by asking each VPC of the region.
    const noDefaults = h.provider(undefined, { accountKey: DEMO_ACCOUNT.ak, region: DEMO_REGION }).provider;
    expect(Subnet.parse(await noDefaults.getSubnet(DEMO_NETWORK.subnetId))).toMatchObject({
      id: DEMO_NETWORK.subnetId,
      vpcId: DEMO_NETWORK.vpcId,
      cidr: DEMO_NETWORK.subnetCidr,
      zone: DEMO_NETWORK.zoneId,
    });
    expect(await noDefaults.getSubnet('vsw-missing')).toBeNull();
    const sg = SecurityGroup.parse(await p.getSecurityGroup(DEMO_NETWORK.securityGroupId));
    expect(sg.name).toBe(DEMO_NETWORK.securityGroupName);
    expect(sg.rules.length).toBeGreaterThan(0);
    expect(sg.rules.every((r) => r.action === 'allow')).toBe(true);
    expect(await p.getSecurityGroup('sg-missing')).toBeNull();
  });

  it('creates a VPC that becomes Available, a switch in it and a group with rules', async () => {
    const vpc = Vpc.parse(await p.createVpc({ name: 'cp-net-vpc', cidr: '10.60.0.0/16' }));
    expect(vpc).toMatchObject({ name: 'cp-net-vpc', cidr: '10.60.0.0/16', region: DEMO_REGION, status: 'Pending' });
    await h.advance(2000);
    expect((await p.getVpc(vpc.id))?.status).toBe('Available');

    const subnet = Subnet.parse(await p.createSubnet({ name: 'cp-net-sw', vpcId: vpc.id, cidr: '10.60.1.0/24' }));
    expect(subnet).toMatchObject({ vpcId: vpc.id, cidr: '10.60.1.0/24', zone: BASE_OPTIONS.zone });
    expect((await p.listSubnets({ vpcId: vpc.id })).map((s) => s.id)).toEqual([subnet.id]);
    expect((await p.getSubnet(subnet.id))?.id).toBe(subnet.id);

    const sg = SecurityGroup.parse(
      await p.createSecurityGroup({
        name: 'cp-net-sg',
        vpcId: vpc.id,
        rules: [
          { direction: 'ingress', protocol: 'tcp', portRange: '22-22', cidr: '10.0.0.0/8', action: 'allow' },
          { direction: 'egress', protocol: 'all', portRange: null, cidr: '0.0.0.0/0', action: 'allow' },
        ],
      }),
    );
    expect(sg.rules).toEqual([
      { direction: 'ingress', protocol: 'tcp', portRange: '22-22', cidr: '10.0.0.0/8', action: 'allow' },
      { direction: 'egress', protocol: 'all', portRange: null, cidr: '0.0.0.0/0', action: 'allow' },
    ]);
    const listed = await p.listSecurityGroups({ vpcId: vpc.id });
    expect(listed.map((g) => g.id)).toEqual([sg.id]);
    expect(listed[0]!.rules).toHaveLength(2);
  });

  it('refuses bad input with the platform code, and a deny rule before any call', async () => {
    expect(await rejection(p.createVpc({ name: '1-starts-with-digit', cidr: '10.0.0.0/16' }))).toMatchObject({
      kind: 'invalid',
      providerCode: '400',
      providerMessage: 'param_invalid',
    });
    await h.control('DELETE', '/calls');
    const deny = { direction: 'ingress', protocol: 'tcp', portRange: '22', cidr: null, action: 'deny' } as const;
    expect((await rejection(p.createSecurityGroup({ name: 'cp-deny', rules: [deny] }))).kind).toBe('invalid');
    expect(await h.counts()).toEqual({});
  });

  it('sees a network made in the cloud console only after a sync, whose job is done', async () => {
    const before = await p.listVpcs();
    expect(before.map((v) => v.id)).not.toContain(DEMO_CLOUD_ONLY_NETWORK.vpcId);
    const { jobId } = await p.syncNetworks({});
    expect(jobId).toMatch(/^sync:AlibabaCloud:cn-qingdao:\d+$/);
    expect(await p.getJob(jobId)).toEqual({ state: 'succeeded', instanceIds: [] });
    expect((await p.listVpcs()).map((v) => v.id)).toContain(DEMO_CLOUD_ONLY_NETWORK.vpcId);
    expect((await p.listSubnets({ vpcId: DEMO_CLOUD_ONLY_NETWORK.vpcId })).map((s) => s.id)).toEqual([
      DEMO_CLOUD_ONLY_NETWORK.subnetId,
    ]);
  });
});

describe('machines', () => {
  const spec = () =>
    MachineSpec.parse({ instanceType: 'ecs.n1.tiny', image: DEMO_IMAGE, login: { password: PASSWORD } });

  it('pages the machine list by page number and merges the detail into a get', async () => {
    await p.createGroup({ name: 'cp-paging', namePrefix: 'cp', spec: spec(), tags: {} });
    await p.expandGroup({ groupId: 'cp-paging', count: 12, requestId: 'paging-1' });
    await h.advance(10);
    const seen: ProviderInstance[] = [];
    const tokens: Array<string | null> = [];
    let token: string | undefined;
    do {
      const page = await p.listInstances({ pageSize: 5, ...(token ? { pageToken: token } : {}) });
      seen.push(...z.array(ProviderInstance).parse(page.items));
      tokens.push(page.nextPageToken);
      token = page.nextPageToken ?? undefined;
    } while (token);
    expect(tokens).toEqual(['2', '3', null]);
    expect(new Set(seen.map((m) => m.providerId)).size).toBe(12);
    expect((await p.listInstances({ pageSize: 500 })).items).toHaveLength(12);

    const one = await p.getInstance(seen[0]!.providerId);
    expect(one).toMatchObject({
      providerId: seen[0]!.providerId,
      name: null,
      status: 'running',
      region: DEMO_REGION,
      image: DEMO_IMAGE,
      instanceType: 'ecs.n1.tiny',
      privateIps: seen[0]!.privateIps,
      providerData: { cluster_name: 'cp-paging', detail: expect.any(Object) },
    });
    expect(JSON.stringify(one)).not.toContain(PASSWORD);
    expect(await p.getInstance('i-not-there')).toBeNull();
  });

  it('reads the +0800 CST creation stamp as the instant it names', async () => {
    await p.createGroup({ name: 'cp-stamps', namePrefix: 'cp', spec: spec(), tags: {} });
    const { now } = (await h.control('POST', '/clock', {})) as { now: number };
    await p.expandGroup({ groupId: 'cp-stamps', count: 1, requestId: 'stamps-1' });
    await h.advance(10);
    const raw = await h.raw('GET', '/api/v1/instance/describe_all?cluster_name=cp-stamps');
    expect(raw.text).toMatch(/"create_at":"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0800 CST"/);
    const [machine] = await p.listGroupMembers('cp-stamps');
    expect(Math.abs(machine!.launchedAt!.getTime() - now)).toBeLessThan(1000);
  });

  it('answers a name filter with nothing, without a call: BridgX names no machine', async () => {
    await h.control('DELETE', '/calls');
    expect(await p.listInstances({ name: 'x' })).toEqual({ items: [], nextPageToken: null });
    expect(await p.listInstances({ namePrefix: 'cp-' })).toEqual({ items: [], nextPageToken: null });
    expect(await h.counts()).toEqual({});
    expect((await rejection(p.listInstances({ pageToken: 'zero' }))).kind).toBe('invalid');
  });
});

describe('faults', () => {
  beforeEach(() => h.control('DELETE', '/faults'));

  it('retries a read after a 5xx and a throttle, and gives up with unavailable', async () => {
    await h.control('POST', '/faults', { op: 'regions.list', kind: 'http_error', status: 503, times: 1 });
    await h.control('POST', '/faults', { op: 'zones.list', kind: 'rate_limit', times: 1, retryAfterSec: 0 });
    await expect(p.listRegions()).resolves.toHaveLength(3);
    await expect(p.listZones()).resolves.toBeDefined();
    expect((await h.counts())['regions.list']).toBe(2);
    await h.control('POST', '/faults', { op: 'images.list', kind: 'http_error', status: 500 });
    expect((await rejection(p.listImages())).kind).toBe('unavailable');
  });

  it('reads a broken or misshapen answer as malformed', async () => {
    await h.control('POST', '/faults', { op: 'regions.list', kind: 'malformed', malformed: 'invalid_json', times: 1 });
    expect((await rejection(p.listRegions())).kind).toBe('malformed');
    await h.control('POST', '/faults', { op: 'zones.list', kind: 'malformed', malformed: 'wrong_shape', times: 1 });
    expect((await rejection(p.listZones())).kind).toBe('malformed');
  });

  it('keeps a refusal code and message the platform invents', async () => {
    await h.control('POST', '/faults', {
      op: 'regions.list',
      kind: 'refuse',
      code: '409',
      message: '集群已存在',
      times: 1,
    });
    expect(await rejection(p.listRegions())).toMatchObject({
      kind: 'conflict',
      providerCode: '409',
      providerMessage: '集群已存在',
    });
  });
});

describe('a BridgX that answers every refusal with HTTP 200', () => {
  let ok: BridgxHarness;
  beforeAll(async () => {
    ok = await startBridgx({ refusalHttpStatus: 'ok' });
  });
  afterAll(() => ok.close());

  it('still reads the refusal from the envelope', async () => {
    const provider = ok.provider().provider;
    const raw = await ok.raw('GET', '/api/v1/vpc/info/vpc-missing');
    expect(raw.status).toBe(200);
    expect(raw.text).toContain('param_invalid');
    expect(await provider.getVpc('vpc-missing')).toBeNull();
    expect(await rejection(provider.createVpc({ name: '1bad', cidr: '10.0.0.0/16' }))).toMatchObject({
      kind: 'invalid',
      providerCode: '400',
      httpStatus: 200,
    });
  });
});
