import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNT,
  DEMO_CLUSTER_SPEC,
  DEMO_NETWORK,
  DEMO_TENCENT_ACCOUNT,
} from '../../../src/providers/bridgx/simulator.ts';
import { type BxHarness, PARAM_INVALID, PASSWORD, T0, startBridgx } from './simulator-client.ts';

let bx: BxHarness;
beforeAll(async () => {
  bx = await startBridgx();
});
afterAll(() => bx.close());
beforeEach(async () => {
  await bx.control('POST', '/reset', {});
  await bx.control('POST', '/clock', { setMs: T0 });
});

const spec = (extra: Record<string, unknown> = {}) => ({
  ...DEMO_CLUSTER_SPEC,
  name: 'c',
  password: PASSWORD,
  ...extra,
});
const create = (body: unknown) => bx.post('/api/v1/cluster/create', body);

describe('cluster templates', () => {
  it('creates a cluster (answering its name) without making a machine, and lists it in snake_case', async () => {
    const r = await create(spec({ name: '测试集群', desc: 'for spikes', tags: null }));
    expect(r.json).toEqual({ code: 200, msg: 'success', data: '测试集群' });
    expect(await bx.machines()).toEqual([]);
    const list = (await bx.get('/api/v1/cluster/describe_all')).json.data;
    expect(list).toEqual({
      cluster_list: [
        {
          cluster_id: '1',
          cluster_name: '测试集群',
          provider: 'AlibabaCloud',
          account: DEMO_ACCOUNT.ak,
          create_at: '2024-01-01 09:00:00 +0800 CST',
          create_by: '',
          total_remainder: '0/200',
        },
      ],
      pager: { page_number: 1, page_size: 10, total: 1 },
    });
  });

  it('never echoes the password', async () => {
    const secret = 'Sup3r-Secret-Pw';
    await create(spec({ name: 'pw', password: secret }));
    await bx.expand('pw', 1);
    await bx.advance(4000);
    const id = (await bx.machines())[0].instance_id;
    const answers = [
      await bx.get('/api/v1/cluster/describe_all'),
      await bx.get('/api/v1/instance/describe_all'),
      await bx.get('/api/v1/instance/id/describe', { instance_id: id }),
      await bx.get('/api/v1/task/list'),
      await bx.control('GET', '/instances'),
      await bx.control('GET', '/calls'),
    ];
    for (const a of answers) expect(a.text).not.toContain(secret);
  });

  it('accepts the example spellings: top-level charge_type and a single data_disk object', async () => {
    const { charge_config: _c, ...noChargeConfig } = spec();
    expect((await create({ ...noChargeConfig, name: 'top', charge_type: 'PostPaid' })).json.code).toBe(200);
    const oneDisk = spec({
      name: 'one-disk',
      disks: { system_disk: { category: 'cloud_ssd', size: 40 }, data_disk: { category: 'cloud_ssd', size: 100 } },
    });
    expect((await create(oneDisk)).json.code).toBe(200);
    const prepaid = spec({
      name: 'prepaid',
      charge_config: { charge_type: 'PrePaid', period_unit: 'Month', period: 12 },
    });
    expect((await create(prepaid)).json.code).toBe(200);
  });

  it.each([
    ['a duplicate name', { name: 'dup' }],
    ['no charge at all', { charge_config: undefined }],
    ['PrePaid without a period', { charge_config: { charge_type: 'PrePaid', period_unit: 'Week' } }],
    [
      'PrePaid with an undocumented period',
      { charge_config: { charge_type: 'PrePaid', period_unit: 'Week', period: 5 } },
    ],
    ['a weak password', { password: 'password' }],
    ['a short password', { password: 'Ab1!' }],
    ['a lowercase provider', { provider: 'alibabacloud' }],
    ['an unknown account', { account_key: 'LTAI-nope' }],
    ['an account of another provider', { account_key: DEMO_TENCENT_ACCOUNT.ak }],
    ['a zone of another region', { zone_id: 'cn-beijing-h' }],
    ['a type the zone lacks', { instance_type: 'ecs.r6.13xlarge' }],
    ['an image of another region', { image: 'm-2ze14bof6m3aadve22aq' }],
    ['an unknown VPC', { network_config: { ...DEMO_CLUSTER_SPEC.network_config, vpc: 'vpc-x' } }],
    ['a switch in another zone', { zone_id: 'cn-qingdao-c' }],
    ['a group of no VPC', { network_config: { ...DEMO_CLUSTER_SPEC.network_config, security_group: 'sg-x' } }],
    ['a bad bandwidth', { network_config: { ...DEMO_CLUSTER_SPEC.network_config, internet_max_bandwidth_out: '10' } }],
    ['no data_disk key', { disks: { system_disk: { category: 'cloud_efficiency', size: 40 } } }],
    ['a zero disk size', { disks: { system_disk: { category: 'cloud_efficiency', size: 0 }, data_disk: [] } }],
    ['an empty name', { name: '' }],
  ])('refuses %s', async (_label, extra) => {
    await create(spec({ name: 'dup' }));
    expect((await create(spec(extra))).json).toEqual(PARAM_INVALID);
  });

  it('filters the list by account and pages it oldest first', async () => {
    for (const name of ['a', 'b', 'c']) await create(spec({ name }));
    const page2 = (await bx.get('/api/v1/cluster/describe_all', { page_size: 2, page_number: 2 })).json.data;
    expect([page2.cluster_list.map((c: any) => c.cluster_name), page2.pager]).toEqual([
      ['c'],
      { page_number: 2, page_size: 2, total: 3 },
    ]);
    expect(
      (await bx.get('/api/v1/cluster/describe_all', { account: DEMO_TENCENT_ACCOUNT.ak })).json.data.cluster_list,
    ).toEqual([]);
    expect((await bx.get('/api/v1/cluster/describe_all', { account: DEMO_ACCOUNT.ak })).json.data.pager.total).toBe(3);
  });
});

describe('machines', () => {
  it('shows a machine in list and detail with the cluster spec, and public IPs only with bandwidth', async () => {
    await bx.cluster('web', {
      disks: { system_disk: { category: 'cloud_essd', size: 60 }, data_disk: [{ category: 'cloud_essd', size: 100 }] },
      network_config: { ...DEMO_CLUSTER_SPEC.network_config, internet_max_bandwidth_out: 10 },
    });
    await bx.cluster('private');
    await bx.expand('web', 1);
    await bx.expand('private', 1);
    await bx.advance(500);
    const [web, priv] = await bx.machines();
    expect(web).toEqual({
      instance_id: expect.stringMatching(/^i-m5e[0-9a-z]{17}$/),
      ip_inner: '172.16.0.1',
      ip_outer: '47.104.0.1',
      provider: 'AlibabaCloud',
      create_at: '2024-01-01 09:00:00 +0800 CST',
      status: 'Pending',
      startup_time: 0,
      cluster_name: 'web',
      instance_type: 'ecs.n1.tiny',
    });
    expect([priv.ip_inner, priv.ip_outer]).toEqual(['172.16.0.2', '']);
    const detail = (await bx.get('/api/v1/instance/id/describe', { instance_id: web.instance_id })).json.data;
    expect(detail).toEqual({
      instance_id: web.instance_id,
      provider: 'AlibabaCloud',
      region_id: 'cn-qingdao',
      image_id: DEMO_CLUSTER_SPEC.image,
      instance_type: 'ecs.n1.tiny',
      ip_inner: '172.16.0.1',
      ip_outer: '47.104.0.1',
      create_at: '2024-01-01 09:00:00 +0800 CST',
      storage_config: {
        system_disk_type: 'cloud_essd',
        system_disk_size: 60,
        data_disks: [{ data_disk_type: 'cloud_essd', data_disk_size: 100 }],
        data_disk_num: 1,
      },
      network_config: {
        vpc_name: DEMO_NETWORK.vpcId,
        subnet_id_name: DEMO_NETWORK.subnetId,
        security_group_name: DEMO_NETWORK.securityGroupId,
      },
    });
    // D20: the id may also sit in the path; the literal `id` path needs the query parameter.
    expect((await bx.get(`/api/v1/instance/${web.instance_id}/describe`)).json.data).toEqual(detail);
    expect((await bx.get('/api/v1/instance/id/describe')).json).toEqual(PARAM_INVALID);
    await bx.advance(3000);
    expect((await bx.machines())[0]).toMatchObject({ status: 'Running', startup_time: 3 });
  });

  it('filters by status (comma-separated, any case), ip, id, cluster, provider and account', async () => {
    await bx.cluster('f');
    await bx.expand('f', 3);
    await bx.advance(3500);
    const [a, b] = await bx.machines();
    await bx.shrink('f', 1, [a.ip_inner]);
    await bx.advance(1500);
    const statuses = async (status: string) => (await bx.machines({ status })).map((m: any) => m.status).sort();
    expect(await statuses('running,deleted')).toEqual(['Deleted', 'Running', 'Running']);
    expect(await statuses('DELETED')).toEqual(['Deleted']);
    expect(await statuses(' Running ')).toEqual(['Running', 'Running']);
    expect((await bx.get('/api/v1/instance/describe_all', { status: 'running,stopped' })).json).toEqual(PARAM_INVALID);
    expect((await bx.machines({ ip: b.ip_inner })).map((m: any) => m.instance_id)).toEqual([b.instance_id]);
    expect((await bx.machines({ instance_id: a.instance_id }))[0].status).toBe('Deleted');
    expect(await bx.machines({ cluster_name: 'other' })).toEqual([]);
    expect(await bx.machines({ account: DEMO_TENCENT_ACCOUNT.ak })).toEqual([]);
    expect(await bx.machines({ provider: 'AlibabaCloud' })).toHaveLength(3);
    expect((await bx.get('/api/v1/instance/describe_all', { provider: 'Aliyun' })).json).toEqual(PARAM_INVALID);
    // A deleted machine keeps its detail.
    expect((await bx.get('/api/v1/instance/id/describe', { instance_id: a.instance_id })).json.data.ip_inner).toBe(
      a.ip_inner,
    );
  });

  it('counts the machines not yet deleted, per cluster and account', async () => {
    await bx.cluster('n1');
    await bx.cluster('n2');
    await bx.expand('n1', 2);
    await bx.expand('n2', 1);
    await bx.advance(3500);
    await bx.shrink('n1', 1);
    const num = async (q: Record<string, string> = {}) =>
      (await bx.get('/api/v1/instance/num', q)).json.data.instance_num;
    expect(await num()).toBe(3);
    await bx.advance(1500);
    expect(await num()).toBe(2);
    expect(await num({ cluster_name: 'n1' })).toBe(1);
    expect(await num({ account: DEMO_TENCENT_ACCOUNT.ak })).toBe(0);
    expect((await bx.get('/api/v1/instance/num')).json).toEqual({
      code: 200,
      msg: 'success',
      data: { instance_num: 2 },
    });
  });

  it('hides a new machine from lists for the configured list lag, but not from its detail', async () => {
    await bx.control('PATCH', '/config', { listLagMs: 2000 });
    await bx.cluster('lag');
    await bx.expand('lag', 1);
    await bx.advance(500);
    expect(await bx.machines()).toEqual([]);
    expect((await bx.get('/api/v1/instance/num')).json.data.instance_num).toBe(0);
    const id = (await bx.control('GET', '/instances')).json.items[0].id;
    expect((await bx.get('/api/v1/instance/id/describe', { instance_id: id })).json.code).toBe(200);
    await bx.advance(2000);
    expect(await bx.machines()).toHaveLength(1);
  });

  it('shows states only the control API can force under their own names', async () => {
    await bx.cluster('odd');
    await bx.expand('odd', 1);
    await bx.advance(3500);
    const id = (await bx.machines())[0].instance_id;
    await bx.control('POST', `/instances/${id}/force`, { state: 'stopped' });
    expect((await bx.machines())[0].status).toBe('Stopped');
  });
});
