import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PHYDEV, DEMO_PLACEMENT } from '../../../src/providers/legacy-cluster/simulator.ts';
import { type LegacyHarness, envelope, instanceBody, startLegacy, templateBody } from './simulator-harness.ts';

let h: LegacyHarness;
beforeAll(async () => {
  h = await startLegacy();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const expand = async (template: number, n: number, correlationId = '1-1'): Promise<string[]> =>
  (await h.call('POST', `/v1/cluster/${template}/expand/${n}`, { body: templateBody(), correlationId })).json.content;
const HOUR = 3_600_000;

describe('catalog lookups (ops 16-25)', () => {
  it('lists the backend drivers, without phydev', async () => {
    expect((await h.call('GET', '/v1/instance/provider')).json).toEqual(
      envelope(0, null, ['aliyun', 'aws', 'openstack']),
    );
  });

  it('answers 12997 QuerySeter for the provider list when no driver is configured', async () => {
    const bare = await startLegacy({ backends: {} });
    try {
      expect((await bare.call('GET', '/v1/instance/provider')).json).toEqual(
        envelope(12997, 'QuerySeter no row found'),
      );
    } finally {
      await bare.close();
    }
  });

  it('answers regions, zones (display name in RegionName), VPCs and subnets as the document shows', async () => {
    expect((await h.call('GET', '/v1/instance/regions/aliyun')).json.content).toEqual([
      { Endpoint: '', RegionName: 'cn-beijing' },
      { Endpoint: '', RegionName: 'cn-zhangjiakou' },
    ]);
    expect((await h.call('GET', '/v1/instance/zones/aliyun/cn-beijing')).json.content[2]).toEqual({
      Messages: null,
      RegionName: '华北 2 可用区 D',
      State: '',
      ZoneName: 'cn-beijing-d',
    });
    expect((await h.call('GET', '/v1/instance/vpc/aliyun/cn-beijing')).json.content).toEqual([
      {
        CidrBlock: '172.17.0.0/16',
        DhcpOptionsId: '',
        InstanceTenancy: '',
        IsDefault: false,
        State: 'Available',
        Tags: null,
        VpcId: 'vpc-2ze0sufdt8yiguyg8u2lp',
      },
    ]);
    expect(
      (await h.call('GET', '/v1/instance/subnet/aliyun/cn-beijing-a/vpc-2ze0sufdt8yiguyg8u2lp')).json.content,
    ).toEqual([
      {
        AvailabilityZone: 'cn-beijing-a',
        AvailableIpAddressCount: 0,
        CidrBlock: '172.17.192.0/20',
        DefaultForAz: false,
        MapPublicIpOnLaunch: false,
        State: 'Available',
        SubnetId: 'vsw-2zeci6ok1lzo3wjdgvtua',
        Tags: null,
        VpcId: 'vpc-2ze0sufdt8yiguyg8u2lp',
      },
    ]);
    expect((await h.call('GET', '/v1/instance/regions/aws')).json.content).toEqual([
      { Endpoint: 'ec2.cn-north-1.amazonaws.com.cn', RegionName: 'cn-north-1' },
    ]);
  });

  it('answers type labels, charge types and disk categories as string arrays', async () => {
    expect((await h.call('GET', '/v1/instance/type/aliyun')).json.content).toEqual([
      '1Core-1GB',
      '1Core-2GB',
      '4Cores-8GB',
      '16Cores-16GB',
      '16Cores-64GB',
    ]);
    expect((await h.call('GET', '/v1/instance/charge/aliyun')).json.content).toEqual([
      'PayByBandwidth',
      'PayByTraffic',
    ]);
    expect((await h.call('GET', '/v1/instance/disk_category/aliyun')).json.content).toEqual([
      'cloud_efficiency',
      'cloud_ssd',
    ]);
    expect((await h.call('GET', '/v1/instance/charge/openstack')).json.content).toEqual([]);
  });

  it('answers AWS-SDK-shaped images and security groups of a region', async () => {
    const images = (await h.call('GET', '/v1/instance/image/aliyun/cn-beijing')).json.content;
    expect(images[1]).toEqual({
      Architecture: 'x86_64',
      BlockDeviceMappings: null,
      CreationDate: '2017-07-31T09:00:02Z',
      Description: 'upgrade docker to 1.12\nadd mesos-slave',
      EnaSupport: false,
      Hypervisor: '',
      ImageId: 'm-2zefnwiq237sjwnt7oez',
      ImageLocation: '',
      ImageOwnerAlias: '',
      ImageType: '',
      KernelId: '',
      Name: 'mapi-image-2017073101',
      OwnerId: 'self',
      Platform: '',
      ProductCodes: [{ ProductCodeId: '', ProductCodeType: '' }],
      Public: false,
      RamdiskId: '',
      RootDeviceName: '',
      RootDeviceType: '',
      SriovNetSupport: '',
      State: 'Available',
      StateReason: { Code: '', Message: '' },
      Tags: null,
      VirtualizationType: '',
    });
    const groups = (await h.call('GET', '/v1/instance/security_group/aliyun/cn-beijing')).json.content;
    expect(groups.map((g: { GroupId: string }) => g.GroupId)).toEqual(['sg-25vpbkswc', 'sg-2ze727lmif5l3o5x5vf5']);
    expect(Object.keys(groups[0])).toEqual([
      'Description',
      'GroupId',
      'GroupName',
      'IpPermissions',
      'IpPermissionsEgress',
      'OwnerId',
      'Tags',
      'VpcId',
    ]);
  });

  it('answers 10999 with the driver name for an unknown or physical provider, [] for an unknown region', async () => {
    for (const path of [
      '/v1/instance/regions/gcp',
      '/v1/instance/zones/gcp/r',
      '/v1/instance/vpc/gcp/r',
      '/v1/instance/subnet/gcp/z/v',
      '/v1/instance/type/gcp',
      '/v1/instance/charge/gcp',
      '/v1/instance/disk_category/gcp',
      '/v1/instance/image/gcp/r',
      '/v1/instance/security_group/gcp/r',
    ])
      expect((await h.call('GET', path)).json).toEqual(envelope(10999, 'unknown backend provider driver: gcp'));
    expect((await h.call('GET', '/v1/instance/regions/phydev')).json.msg).toBe(
      'unknown backend provider driver: phydev',
    );
    expect((await h.call('GET', '/v1/instance/zones/aliyun/mars-1')).json).toEqual(envelope(0, null, []));
  });

  it('routes the literal /v1/instance/<word> segments before the instance id patterns', async () => {
    const words = ['list', 'provider', 'cluster/3', 'log/x', 'type/aliyun', 'sshkey/1.2.3.4', 'phydev'];
    const ops = [];
    for (const w of words) {
      await h.call('GET', `/v1/instance/${w}`);
      ops.push((await h.control('GET', '/calls?limit=1')).json.recent[0].op);
    }
    expect(ops).toEqual([
      'instance.list',
      'catalog.providers',
      'instance.list_cluster',
      'instance.log',
      'catalog.instance_types',
      'instance.sshkey_download',
      // GET has no phydev route: it is a get of the machine "phydev".
      'instance.get',
    ]);
  });
});

describe('machine lists (ops 26, 27)', () => {
  it('lists running machines only, in row order', async () => {
    const [a] = await expand(3, 1);
    expect(
      (await h.call('GET', '/v1/instance/list')).json.content.map((m: { InstanceId: string }) => m.InstanceId),
    ).toEqual([DEMO_PHYDEV.instanceId]);
    await h.advance(3000);
    const listed = (await h.call('GET', '/v1/instance/list')).json.content;
    expect(listed.map((m: { InstanceId: string; Status: number }) => [m.InstanceId, m.Status])).toEqual([
      [DEMO_PHYDEV.instanceId, 3],
      [a, 7],
    ]);
  });

  it('lists every machine when told to', async () => {
    const all = await startLegacy({ listAll: true });
    try {
      await all.call('POST', '/v1/cluster/3/expand/2', { body: templateBody(), correlationId: '1-1' });
      expect((await all.call('GET', '/v1/instance/list')).json.content).toHaveLength(3);
    } finally {
      await all.close();
    }
  });

  it('lists the machines of a template in every state, [] for an unknown one, 12996 for a bad id', async () => {
    const ids = await expand(5, 2);
    const members = (await h.call('GET', '/v1/instance/cluster/5')).json.content;
    expect(members.map((m: { InstanceId: string; Status: number }) => [m.InstanceId, m.Status])).toEqual(
      ids.map((id) => [id, 0]),
    );
    expect(
      (await h.call('GET', '/v1/instance/cluster/4')).json.content.map((m: { InstanceId: string }) => m.InstanceId),
    ).toEqual([DEMO_PHYDEV.instanceId]);
    expect((await h.call('GET', '/v1/instance/cluster/88')).json).toEqual(envelope(0, null, []));
    expect((await h.call('GET', '/v1/instance/cluster/x')).json).toEqual(envelope(12996, 'Input error!'));
  });

  it('keeps new machines out of both lists during the configured list lag', async () => {
    await h.control('PATCH', '/config', { listLagMs: 5000 });
    const [id] = await expand(3, 1);
    expect((await h.call('GET', '/v1/instance/cluster/3')).json.content).toEqual([]);
    expect((await h.call('GET', `/v1/instance/${id}`)).json.code).toBe(0);
    await h.advance(5000);
    expect((await h.call('GET', '/v1/instance/cluster/3')).json.content).toHaveLength(1);
    expect((await h.call('GET', '/v1/instance/list')).json.content).toHaveLength(2);
  });
});

describe('logs (ops 28, 29)', () => {
  it('answers the lines of a correlation id and machine, and every line of a machine', async () => {
    const [id] = await expand(3, 1, '20-20');
    await h.advance(3000);
    await h.call('DELETE', `/v1/instance/${id}`, { correlationId: '21-21' });
    const one = (await h.call('GET', `/v1/instance/log/20-20/${id}`)).json.content;
    expect(one).toEqual([
      {
        Id: expect.any(Number),
        CorrelationId: '20-20',
        InstanceId: id,
        Level: 'info',
        Message: `expand cluster 3: create instance ${id} (1/1) at aliyun cn-beijing-c`,
        CreateTime: '2017-08-02T17:52:29+08:00',
      },
    ]);
    const all = (await h.call('GET', `/v1/instance/log/${id}`)).json.content;
    expect(all.map((l: { CorrelationId: string }) => l.CorrelationId)).toEqual(['20-20', '21-21']);
    expect(all[1].CreateTime).toBe('2017-08-02T17:52:32+08:00');
    expect((await h.call('GET', `/v1/instance/log/9-9/${id}`)).json).toEqual(envelope(0, null, []));
  });

  it('fails with code 0 and "result to json error" for a machine it never knew', async () => {
    const failed = envelope(0, 'result to json error');
    expect((await h.call('GET', '/v1/instance/log/i-never')).json).toEqual(failed);
    expect((await h.call('GET', '/v1/instance/log/1-1/i-never')).json).toEqual(failed);
    expect((await h.call('GET', `/v1/instance/log/${'x'.repeat(256)}`)).json).toEqual(envelope(12996, 'Input error!'));
  });
});

describe('machines the broker did not create (ops 30, 31) and OpenStack settings (op 32)', () => {
  it('registers machines with per-item results, code 0 even when an item fails', async () => {
    const body = {
      instancelist: [
        { PublicIp: '101.1.2.146', PrivateIp: '1.11.1.123', Password: 'adminpadd', Port: 0 },
        { PublicIP: DEMO_PHYDEV.publicIp, PrivateIP: '1.11.1.9', Password: 'pw' },
        { publicip: '101.1.2.146', privateip: '1.11.1.124', password: 'pw' },
      ],
    };
    const r = await h.call('POST', '/v1/instance/phydev', { body, correlationId: '1-1' });
    expect(r.json).toEqual(
      envelope(0, null, {
        success: 1,
        failed: 2,
        errors: ['Instance: 101.1.2.42 is already in DB', 'Instance: 101.1.2.146 is already in DB'],
      }),
    );
    const members = (await h.call('GET', '/v1/instance/cluster/4')).json.content;
    const added = members.find((m: { PublicIpAddress: string }) => m.PublicIpAddress === '101.1.2.146');
    expect(added).toMatchObject({ Provider: 'phydev', Status: 3, Cpu: 1, Ram: 1, PrivateIpAddress: '1.11.1.123' });
    expect(added.InstanceId).toMatch(/^i-[a-z0-9]{20}$/);
    expect(JSON.stringify(members)).not.toContain('adminpadd');
    expect((await h.control('GET', '/instances')).text).not.toContain('adminpadd');
  });

  it('refuses registration without X-CORRELATION-ID (12997) or with a bad list (12996)', async () => {
    const item = { PublicIp: '101.1.2.150', PrivateIp: '1.11.1.1', Password: 'pw' };
    expect((await h.call('POST', '/v1/instance/phydev', { body: { instancelist: [item] } })).json).toEqual(
      envelope(12997, 'Missing requisite parameter(X-CORRELATION-ID)!'),
    );
    const bad = envelope(12996, 'Input error!');
    for (const body of [{ instancelist: [] }, {}, { instancelist: [{ ...item, PublicIp: '999.1.1.1' }] }, [item]])
      expect((await h.call('POST', '/v1/instance/phydev', { body, correlationId: '1-1' })).json).toEqual(bad);
  });

  it('fails one registration item through a keyed fault rule', async () => {
    await h.control('POST', '/faults', {
      op: 'instance.register.item',
      kind: 'refuse',
      key: '101.1.2.151',
      message: 'Instance: 101.1.2.151 ssh login failed',
    });
    const body = {
      instancelist: [
        { PublicIp: '101.1.2.150', PrivateIp: '1.1.1.1', Password: 'pw' },
        { PublicIp: '101.1.2.151', PrivateIp: '1.1.1.2', Password: 'pw' },
      ],
    };
    expect((await h.call('POST', '/v1/instance/phydev', { body, correlationId: '1-1' })).json.content).toEqual({
      success: 1,
      failed: 1,
      errors: ['Instance: 101.1.2.151 ssh login failed'],
    });
  });

  it('records uploaded machine info as a new running machine of no template', async () => {
    const r = await h.call('PUT', '/v1/instance/phydev', { body: instanceBody({ InstanceType: 'ecs.n2.3xlarge' }) });
    expect(r.json).toMatchObject({ code: 0, msg: null });
    expect(r.json.content).toMatchObject({
      Provider: 'aliyun',
      InstanceType: 'ecs.n2.3xlarge',
      Cpu: 16,
      Ram: 64,
      Status: 7,
      Cluster: { Id: 0 },
      RegionId: 'cn-beijing',
    });
    expect((await h.call('PUT', '/v1/instance/phydev', { body: instanceBody({ Zone: 'cn-beijing' }) })).json).toEqual(
      envelope(12996, 'Input error!'),
    );
  });

  it('sets the OpenStack connection and never answers the password back', async () => {
    const body = { OpIP: '127.0.0.1', OpPort: '26018', OpUserName: 'root', OpPassword: 'test12345' };
    const r = await h.call('POST', '/v1/instance/openstack', { body });
    expect(r.json).toEqual(envelope(0, null, { ...body, OpPassword: '******' }));
    expect(r.text).not.toContain('test12345');
    const bad = envelope(12996, 'Input error!');
    expect((await h.call('POST', '/v1/instance/openstack', { body: { ...body, OpPort: 26018 } })).json).toEqual(bad);
    expect((await h.call('POST', '/v1/instance/openstack', { body: { ...body, OpPassword: '' } })).json).toEqual(bad);
  });
});

describe('machine counts (ops 6, 7)', () => {
  it('samples the range start, each whole local hour and now, with string values in Go map order', async () => {
    await expand(3, 2);
    await h.advance(2 * HOUR + 10 * 60_000); // now 2017-08-02 20:02:29 local
    const r = await h.call('GET', '/v1/cluster/number/3');
    expect(r.json.content).toEqual([
      { time: '2017-08-02 17:02:29', total: '0' },
      { time: '2017-08-02 18:00:00', aliyun: '2', phydev: '1', total: '3' },
      { time: '2017-08-02 19:00:00', aliyun: '2', phydev: '1', total: '3' },
      { time: '2017-08-02 20:00:00', aliyun: '2', phydev: '1', total: '3' },
      { time: '2017-08-02 20:02:29', aliyun: '2', phydev: '1', total: '3' },
    ]);
    expect(Object.keys(r.json.content[1])).toEqual(['aliyun', 'phydev', 'time', 'total']);
  });

  it('counts a machine until its delete completes', async () => {
    const [a] = await expand(3, 1);
    await h.advance(HOUR);
    await h.call('DELETE', `/v1/instance/${a}`, { correlationId: '1-1' });
    await h.advance(HOUR);
    const at = async (time: string) =>
      (await h.call('GET', `/v1/cluster/oldnumber/${encodeURIComponent(time)}`)).json.content;
    expect(await at('2017-08-02 18:52:30')).toEqual({
      aliyun: '1',
      phydev: '1',
      time: '2017-08-02 18:52:30',
      total: '2',
    });
    expect(await at('2017-08-02 18:52:31')).toEqual({ phydev: '1', time: '2017-08-02 18:52:31', total: '1' });
    expect(await at('2017-08-02 17:00:00')).toEqual({ time: '2017-08-02 17:00:00', total: '0' });
  });

  it('refuses a bad range or instant with 12996', async () => {
    const bad = envelope(12996, 'Input error!');
    for (const path of [
      '/v1/cluster/number/0',
      '/v1/cluster/number/721',
      '/v1/cluster/number/x',
      '/v1/cluster/oldnumber/2017-08-02T17:52:29',
      '/v1/cluster/oldnumber/2017-02-30%2010:00:00',
      '/v1/cluster/oldnumber/2030-01-01%2000:00:00',
    ])
      expect((await h.call('GET', path)).json).toEqual(bad);
  });
});

describe('demo placement', () => {
  it('creates a machine on every seeded backend from DEMO_PLACEMENT', async () => {
    for (const p of Object.values(DEMO_PLACEMENT)) {
      const body = instanceBody({
        Provider: p.provider,
        InstanceType: p.instanceType,
        ImageId: p.imageId,
        Network: {
          Id: 0,
          VpcId: p.vpcId,
          SubnetId: p.subnetId,
          SecurityGroup: p.securityGroupId,
          InternetChargeType: p.internetChargeType,
          InternetMaxBandwidthOut: 0,
        },
        Zone: { Id: 0, RegionName: p.regionId, ZoneName: p.zoneId },
        SystemDiskCategory: p.diskCategory,
        DataDiskCategory: p.diskCategory,
      });
      expect((await h.call('POST', '/v1/instance', { body })).json).toMatchObject({ code: 0, msg: null });
    }
  });
});
