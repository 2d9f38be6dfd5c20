import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_CLOUD_ONLY_NETWORK, DEMO_NETWORK } from '../../../src/providers/bridgx/simulator.ts';
import { type BxHarness, PARAM_INVALID, T0, startBridgx } from './simulator-client.ts';

let bx: BxHarness;
beforeAll(async () => {
  bx = await startBridgx();
});
afterAll(() => bx.close());
beforeEach(async () => {
  await bx.control('POST', '/reset', {});
  await bx.control('POST', '/clock', { setMs: T0 });
});

const AK = DEMO_ACCOUNT.ak;
const vpcBody = (extra: Record<string, unknown> = {}) => ({
  provider: 'AlibabaCloud',
  region_id: 'cn-qingdao',
  vpc_name: 'cp-vpc',
  cidr_block: '10.10.0.0/16',
  ak: AK,
  ...extra,
});

describe('catalog lookups', () => {
  it('lists regions and zones in PascalCase and instance types in snake_case, as bare arrays', async () => {
    const regions = await bx.get('/api/v1/region/list', { provider: 'AlibabaCloud' });
    expect(regions.json.data).toContainEqual({ RegionId: 'cn-qingdao', LocalName: '华北 1' });
    const zones = await bx.get('/api/v1/zone/list', { provider: 'AlibabaCloud', region_id: 'cn-qingdao' });
    expect(zones.json.data).toEqual([
      { ZoneId: 'cn-qingdao-b', LocalName: '华北 1 可用区 B' },
      { ZoneId: 'cn-qingdao-c', LocalName: '华北 1 可用区 C' },
    ]);
    const q = { provider: 'AlibabaCloud', region_id: 'cn-beijing', zone_id: 'cn-beijing-h' };
    const types = (await bx.get('/api/v1/instance_type/list', q)).json.data;
    expect(types).toContainEqual({
      instance_type_family: 'ecs.r6',
      instance_type: 'ecs.r6.13xlarge',
      core: 52,
      memory: 384,
    });
    const elsewhere = await bx.get('/api/v1/instance_type/list', { ...q, zone_id: 'cn-beijing-g' });
    expect(elsewhere.json.data.map((t: any) => t.instance_type)).not.toContain('ecs.r6.13xlarge');
  });

  it('lists images per region, with the custom image only in its own region', async () => {
    const beijing = (await bx.get('/api/v1/image/list', { provider: 'AlibabaCloud', region_id: 'cn-beijing' })).json;
    expect(beijing.data).toContainEqual({
      OsType: 'linux',
      OsName: 'gf-base-centos7',
      ImageId: 'm-2ze14bof6m3aadve22aq',
    });
    const qingdao = (await bx.get('/api/v1/image/list', { provider: 'AlibabaCloud', region_id: 'cn-qingdao' })).json;
    expect(qingdao.data.map((i: any) => i.ImageId)).not.toContain('m-2ze14bof6m3aadve22aq');
    expect(qingdao.data.map((i: any) => i.OsType)).toContain('windows');
  });

  it('refuses a missing provider, an unknown region or a zone of another region', async () => {
    for (const [path, query] of [
      ['/api/v1/zone/list', { provider: 'AlibabaCloud' }],
      ['/api/v1/zone/list', { provider: 'AlibabaCloud', region_id: 'us-east-1' }],
      ['/api/v1/instance_type/list', { provider: 'AlibabaCloud', region_id: 'cn-qingdao', zone_id: 'cn-beijing-h' }],
      ['/api/v1/image/list', { provider: 'HuaweiCloud', region_id: 'cn-qingdao' }],
      ['/api/v1/network_config/template', {}],
    ] as const)
      expect((await bx.get(path, query)).json).toEqual(PARAM_INVALID);
  });
});

describe('region sync (A20)', () => {
  const sync = { provider: 'AlibabaCloud', region_id: 'cn-qingdao', account_key: AK };

  it('brings the cloud-only network into the describes and drops what the cloud lost', async () => {
    expect((await bx.get('/api/v1/vpc/describe')).json.data.Vpcs).toHaveLength(1);
    expect((await bx.get(`/api/v1/vpc/info/${DEMO_CLOUD_ONLY_NETWORK.vpcId}`)).json).toEqual(PARAM_INVALID);
    expect((await bx.post('/api/v1/network_config/sync', sync)).json).toEqual({
      code: 200,
      msg: 'success',
      data: null,
    });
    const vpcs = (await bx.get('/api/v1/vpc/describe')).json.data.Vpcs.map((v: any) => v.VpcId);
    expect(vpcs).toEqual([DEMO_CLOUD_ONLY_NETWORK.vpcId, DEMO_NETWORK.vpcId]);
    const groups = await bx.get('/api/v1/security_group/describe', { vpc_id: DEMO_CLOUD_ONLY_NETWORK.vpcId });
    expect(groups.json.data.Groups[0].SecurityGroupType).toBe('enterprise');

    expect((await bx.control('DELETE', `/bridgx/cloud-networks/${DEMO_CLOUD_ONLY_NETWORK.subnetId}`)).status).toBe(204);
    const added = await bx.control('POST', '/bridgx/cloud-networks', {
      kind: 'subnet',
      account: AK,
      region: 'cn-qingdao',
      name: 'console-made',
      vpcId: DEMO_CLOUD_ONLY_NETWORK.vpcId,
      zone: 'cn-qingdao-b',
      cidr: '192.168.9.0/24',
    });
    expect(added.status).toBe(201);
    await bx.post('/api/v1/network_config/sync', sync);
    const names = (await bx.get('/api/v1/subnet/describe', { vpc_id: DEMO_CLOUD_ONLY_NETWORK.vpcId })).json.data
      .Switches;
    expect(names.map((s: any) => s.SwitchName)).toEqual(['console-made']);
    expect(
      (await bx.control('GET', '/jobs')).json.items.filter((j: any) => j.kind === 'bridgx.network_sync'),
    ).toHaveLength(2);
  });

  it('lands a sync later when the sync timing is set', async () => {
    await bx.control('PATCH', '/bridgx/timing', { syncMs: 5000 });
    await bx.post('/api/v1/network_config/sync', sync);
    expect((await bx.get('/api/v1/vpc/describe')).json.data.Vpcs).toHaveLength(1);
    await bx.advance(5000);
    expect((await bx.get('/api/v1/vpc/describe')).json.data.Vpcs).toHaveLength(2);
  });

  it('refuses a sync for an unknown account, another provider or region', async () => {
    for (const bad of [
      { account_key: 'LTAI-x' },
      { provider: 'AWSCloud' },
      { region_id: 'cn-x' },
      { region_id: undefined },
    ])
      expect((await bx.post('/api/v1/network_config/sync', { ...sync, ...bad })).json).toEqual(PARAM_INVALID);
  });
});

describe('paging (A10)', () => {
  beforeEach(async () => {
    for (let i = 0; i < 12; i++)
      await bx.post('/api/v1/vpc/create', vpcBody({ vpc_name: `page-${String(i).padStart(2, '0')}` }));
  });

  it('pages 10 by default, clamps the size to 50, starts below-1 pages at 1, and empties pages past the end', async () => {
    const pager = async (query: Record<string, string | number>) => {
      const d = (await bx.get('/api/v1/vpc/describe', query)).json.data;
      return [d.Vpcs.length, d.Pager];
    };
    expect(await pager({})).toEqual([10, { PageNumber: 1, PageSize: 10, Total: 13 }]);
    expect(await pager({ page_number: 2 })).toEqual([3, { PageNumber: 2, PageSize: 10, Total: 13 }]);
    expect(await pager({ page_size: 500 })).toEqual([13, { PageNumber: 1, PageSize: 50, Total: 13 }]);
    expect(await pager({ page_size: 0, page_number: 0 })).toEqual([10, { PageNumber: 1, PageSize: 10, Total: 13 }]);
    expect(await pager({ page_size: 5, page_number: 9 })).toEqual([0, { PageNumber: 9, PageSize: 5, Total: 13 }]);
    const first = (await bx.get('/api/v1/vpc/describe', { page_size: 7 })).json.data.Vpcs;
    const second = (await bx.get('/api/v1/vpc/describe', { page_size: 7, page_number: 2 })).json.data.Vpcs;
    expect(new Set([...first, ...second].map((v: any) => v.VpcId)).size).toBe(13);
  });

  it('refuses paging values that are not integers', async () => {
    const queries: Array<Record<string, string>> = [{ page_number: 't1' }, { page_size: '1.5' }, { page_size: 'ten' }];
    for (const query of queries) expect((await bx.get('/api/v1/vpc/describe', query)).json).toEqual(PARAM_INVALID);
  });
});
