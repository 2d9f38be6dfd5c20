/**
 * The legacy cluster adapter against the simulator over HTTP: the account's backend and region,
 * catalog lookups, machines (create by address, get, list, start, delete) and route precedence.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Image, InstanceType, Region, Zone } from '../../../src/domain/catalog.ts';
import { ProviderInstance } from '../../../src/domain/instance.ts';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { SecurityGroup, Subnet, Vpc } from '../../../src/domain/network.ts';
import { ProviderError } from '../../../src/providers/contract.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { ALIYUN, AWS, DELAYS, OPTIONS, startLegacy, type LegacyHarness } from './harness.ts';

let h: LegacyHarness;
let p: Provider;
const spec = MachineSpec.parse({ zone: ALIYUN.zoneId, instanceType: '1Core-1GB', image: ALIYUN.imageId });

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

/** Creates a machine and follows its address to its id once it runs (A50). */
async function created(provider = p, s = spec): Promise<string> {
  const accepted = await provider.createInstance({ name: 'ignored', spec: s, tags: { 'cp-task': 't1' } });
  expect(accepted.instanceId).toBeNull();
  expect(accepted.jobId).toMatch(/^ip:/);
  await h.advance(DELAYS.bootMs);
  const job = await provider.getJob(accepted.jobId!);
  expect(job.state).toBe('succeeded');
  return job.instanceIds[0]!;
}

beforeAll(async () => {
  h = await startLegacy();
  p = h.provider().provider;
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('account and catalog', () => {
  it("verifies the account against the broker's drivers and the backend's regions", async () => {
    await p.verifyCredentials();
    expect((await h.recent()).map((c) => c.url)).toEqual(['/v1/instance/provider', '/v1/instance/regions/aliyun']);
  });

  it('refuses an account whose backend or region the broker does not know, naming the option', async () => {
    const noDriver = h.provider({ ...OPTIONS, backend: 'gcp' }).provider;
    expect((await rejection(noDriver.verifyCredentials())).providerMessage).toMatch(/^options\.backend gcp/);
    const noRegion = h.provider({ ...OPTIONS, region: 'mars-1' }).provider;
    expect((await rejection(noRegion.verifyCredentials())).providerMessage).toMatch(/^options\.region mars-1/);
  });

  it("lists the backend's regions and the region's zones with their display names", async () => {
    const regions = (await p.listRegions()).map((r) => Region.parse(r));
    expect(regions.map((r) => r.id)).toContain(ALIYUN.regionId);
    const zones = (await p.listZones()).map((z) => Zone.parse(z));
    expect(zones).toContainEqual({
      id: ALIYUN.zoneId,
      name: expect.any(String),
      region: ALIYUN.regionId,
      available: true,
    });
    expect(zones.find((z) => z.id === ALIYUN.zoneId)!.name).not.toBe(ALIYUN.zoneId);
  });

  it('reads instance type labels as sizes and images with their visibility', async () => {
    const types = (await p.listInstanceTypes()).map((t) => InstanceType.parse(t));
    expect(types).toContainEqual({
      id: '16Cores-64GB',
      name: '16Cores-64GB',
      vcpus: 16,
      memoryMiB: 65536,
      diskGiB: null,
      zones: null,
    });
    const images = (await p.listImages()).map((i) => Image.parse(i));
    expect(images.find((i) => i.id === ALIYUN.imageId)).toMatchObject({ status: 'Available' });
    expect(new Set(images.map((i) => i.visibility))).not.toContain(undefined);
  });

  it("lists the region's VPCs, their subnets in every zone, and security groups, all read-only", async () => {
    const vpcs = (await p.listVpcs()).map((v) => Vpc.parse(v));
    expect(vpcs.map((v) => v.id)).toContain(ALIYUN.vpcId);
    const subnets = (await p.listSubnets({ vpcId: ALIYUN.vpcId })).map((s) => Subnet.parse(s));
    expect(subnets).toContainEqual(
      expect.objectContaining({ id: ALIYUN.subnetId, vpcId: ALIYUN.vpcId, zone: ALIYUN.zoneId }),
    );
    const zones = await p.listZones();
    const subnetCalls = (await h.recent()).filter((c) => c.url.startsWith('/v1/instance/subnet/'));
    expect(subnetCalls.map((c) => c.url).sort()).toEqual(
      zones.map((z) => `/v1/instance/subnet/aliyun/${z.id}/${ALIYUN.vpcId}`).sort(),
    );
    expect(await p.getSubnet(ALIYUN.subnetId)).toMatchObject({ id: ALIYUN.subnetId });
    expect(await p.getVpc('vpc-missing')).toBeNull();
    const groups = (await p.listSecurityGroups({})).map((g) => SecurityGroup.parse(g));
    expect(groups.map((g) => g.id)).toContain(ALIYUN.securityGroupId);
    expect(await p.getSecurityGroup(ALIYUN.securityGroupId)).toMatchObject({ id: ALIYUN.securityGroupId });
  });

  it('asks the catalog of the backend the account names', async () => {
    const aws = h.provider({ ...OPTIONS, backend: AWS.provider, region: AWS.regionId, zone: AWS.zoneId }).provider;
    expect((await aws.listZones()).map((z) => z.id)).toContain(AWS.zoneId);
    expect((await aws.listVpcs()).map((v) => v.id)).toContain(AWS.vpcId);
    expect((await h.recent()).map((c) => c.url)).toEqual([
      `/v1/instance/zones/aws/${AWS.regionId}`,
      `/v1/instance/vpc/aws/${AWS.regionId}`,
    ]);
  });
});

describe('machines', () => {
  it('creates a machine whose address the job follows to its id once the running list shows it', async () => {
    const accepted = await p.createInstance({ name: 'ignored', spec, tags: {} });
    const job = accepted.jobId!;
    // 1. Booting: not in the running list yet, so the job still runs.
    expect(await p.getJob(job)).toEqual({ state: 'running', instanceIds: [] });
    // 2. Booted: the list names it, by the address the create answered.
    await h.advance(DELAYS.bootMs);
    const done = await p.getJob(job);
    expect(done.state).toBe('succeeded');
    const machine = ProviderInstance.parse(await p.getInstance(done.instanceIds[0]!));
    expect([...machine.privateIps, ...machine.publicIps]).toContain(job.slice('ip:'.length));
    expect(machine).toMatchObject({
      status: 'running',
      region: ALIYUN.regionId,
      zone: ALIYUN.zoneId,
      // The broker resolves the label the create sent to its backend's type (A54).
      instanceType: ALIYUN.instanceType,
      image: ALIYUN.imageId,
      tags: {},
      name: null,
    });
    expect(machine.launchedAt).toBeInstanceOf(Date);
    expect(machine.providerData).toMatchObject({
      DataDiskNum: 1,
      DataDiskSize: 100,
      SystemDiskCategory: 'cloud_efficiency',
    });
  });

  it('sends one create with no retry and the body the document lists', async () => {
    await p.createInstance({
      name: 'ignored',
      spec: {
        ...spec,
        dataDisks: [
          { sizeGiB: 40, category: 'cloud_ssd' },
          { sizeGiB: 40, category: 'cloud_ssd' },
        ],
      },
      tags: {},
    });
    expect(await h.counts()).toEqual({ 'instance.create': 1 });
    await h.advance(DELAYS.bootMs);
    const [machine] = (await p.listInstances({})).items;
    expect(machine!.providerData).toMatchObject({ DataDiskNum: 2, DataDiskSize: 40, DataDiskCategory: 'cloud_ssd' });
  });

  it.each([
    ['a login password', { login: { password: 'secret-pass-1' } }, /password/],
    ['prepaid charging', { charge: 'prepaid' }, /on_demand/],
    ['two security groups', { network: { securityGroupIds: ['sg-1', 'sg-2'] } }, /one security group/],
    ['five data disks', { dataDisks: Array.from({ length: 5 }, () => ({ sizeGiB: 10 })) }, /at most 4/],
    ['data disks of two sizes', { dataDisks: [{ sizeGiB: 10 }, { sizeGiB: 20 }] }, /one size/],
  ])('refuses %s before any call', async (_what, over, message) => {
    const err = await rejection(
      p.createInstance({ name: 'x', spec: MachineSpec.parse({ ...spec, ...over }), tags: {} }),
    );
    expect(err.kind).toBe('invalid');
    expect(err.providerMessage).toMatch(message);
    expect(await h.counts()).toEqual({});
  });

  it('refuses a spec with no data disk, no zone or no disk category when the account has no default', async () => {
    const bare = h.provider({ backend: 'aliyun', region: ALIYUN.regionId }).provider;
    expect((await rejection(bare.createInstance({ name: 'x', spec, tags: {} }))).providerMessage).toMatch(
      /system disk category/,
    );
    const noZone = MachineSpec.parse({
      // The broker resolves the label the create sent to its backend's type (A54).
      instanceType: ALIYUN.instanceType,
      image: ALIYUN.imageId,
      systemDisk: { sizeGiB: 40, category: 'cloud_efficiency' },
    });
    expect(
      (await rejection(bare.createGroup({ name: 'g', namePrefix: 'g', spec: noZone, tags: {} }))).providerMessage,
    ).toMatch(/a zone/);
    const noDisk = { ...noZone, zone: ALIYUN.zoneId };
    expect((await rejection(bare.createInstance({ name: 'x', spec: noDisk, tags: {} }))).providerMessage).toMatch(
      /1–4 data disks/,
    );
    expect(await h.counts()).toEqual({});
  });

  it("lists the backend's machines in one page and nothing of another backend", async () => {
    const id = await created();
    const page = await p.listInstances({ pageSize: 1 });
    expect(page.nextPageToken).toBeNull();
    expect(page.items.map((m) => m.providerId)).toContain(id);
    expect(page.items.every((m) => m.providerData.Provider === 'aliyun')).toBe(true);
    const aws = h.provider({ ...OPTIONS, backend: 'aws', region: AWS.regionId }).provider;
    expect((await aws.listInstances({})).items.map((m) => m.providerId)).not.toContain(id);
    // Machines have no names here: a name filter finds none.
    expect((await p.listInstances({ name: 'cp-web-1' })).items).toEqual([]);
  });

  it('starts a machine with the GET the document defines', async () => {
    const id = await created();
    await p.startInstance(id);
    expect((await h.recent()).at(-1)).toMatchObject({ method: 'GET', url: `/v1/start/${id}` });
  });

  it('deletes a machine with a correlation id, then reports it gone; a second delete resolves', async () => {
    const id = await created();
    await p.deleteInstance(id);
    const call = (await h.recent()).find((c) => c.method === 'DELETE')!;
    expect(call.url).toBe(`/v1/instance/${id}`);
    expect(call.fields?.correlationId).toMatch(/^cp-[0-9a-f-]{36}$/);
    expect(await p.getInstance(id)).toMatchObject({ providerId: id, status: 'deleting' });
    await h.advance(DELAYS.deleteMs);
    expect(await p.getInstance(id)).toBeNull();
    await p.deleteInstance(id);
  });

  it('reads a registered machine without any secret it was registered with', async () => {
    await p.runOperation('machines.register', {
      machines: [{ publicIp: '101.1.2.200', privateIp: '1.11.1.200', password: 'phy-secret-77' }],
    });
    const machine = (await p.listGroupMembers('4')).find((m) => m.publicIps.includes('101.1.2.200'))!;
    const read = ProviderInstance.parse(await p.getInstance(machine.providerId));
    expect(JSON.stringify(read)).not.toContain('phy-secret-77');
    expect(read).toMatchObject({ statusRaw: expect.stringMatching(/^\d+$/), privateIps: ['1.11.1.200'] });
  });
});

describe('route precedence', () => {
  it.each(['list', 'provider', 'regions', 'sshkey', 'phydev', 'openstack'])(
    'never sends an instance id equal to the literal route %s',
    async (id) => {
      expect(await p.getInstance(id)).toBeNull();
      expect((await rejection(p.deleteInstance(id))).kind).toBe('invalid');
      expect((await rejection(p.startInstance(id))).kind).toBe('invalid');
      expect(await h.counts()).toEqual({});
    },
  );

  it('refuses an id that would split a batch delete', async () => {
    expect((await rejection(p.deleteInstance('i-a,i-b'))).providerMessage).toMatch(/without commas/);
    expect(await h.counts()).toEqual({});
  });

  it('reaches the literal routes, not the machine lookup beside them', async () => {
    await p.listInstances({});
    await p.runOperation('providers.list', {});
    await p.runOperation('logs.by_instance', { instanceId: 'i-b5omql5sajq2oum6srf0' });
    expect(Object.keys(await h.counts())).not.toContain('instance.get');
  });
});
