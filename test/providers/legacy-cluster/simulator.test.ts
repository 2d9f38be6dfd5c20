import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  LEGACY_OPS,
  DEMO_ALIYUN_TEMPLATE_ID,
  DEMO_AWS_TEMPLATE_ID,
  DEMO_PHYSICAL_TEMPLATE_ID,
} from '../../../src/providers/legacy-cluster/simulator.ts';
import { type LegacyHarness, envelope, startLegacy, templateBody } from './simulator-harness.ts';

let h: LegacyHarness;
beforeAll(async () => {
  h = await startLegacy();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const expand = (id: number, n: number | string, body: unknown = templateBody(), correlationId: string | null = '1-1') =>
  h.call('POST', `/v1/cluster/${id}/expand/${n}`, {
    body,
    ...(correlationId !== null ? { correlationId } : {}),
  });

describe('transport and envelope', () => {
  it('answers HTTP 200 with the four-field envelope and needs no auth', async () => {
    const r = await h.call('GET', '/v1/cluster', { contentType: null });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['code', 'msg', 'content', 'ext']);
    expect(r.json).toMatchObject({ code: 0, msg: null, ext: null });
  });

  it('answers its refusals with HTTP 200 and an unknown path with Go plain-text 404', async () => {
    expect(await h.call('GET', '/v1/cluster/abc')).toMatchObject({
      status: 200,
      json: envelope(12996, 'Input error!'),
    });
    const miss = await h.call('GET', '/v1/nowhere');
    expect([miss.status, miss.text]).toEqual([404, '404 page not found']);
  });

  it('does not alias the document example paths that are miswritten', async () => {
    // Line 1997 spells `iamge`; line 462 posts the expand to /v1/cluster/3; line 1286 omits /sshkey.
    expect((await h.call('GET', '/v1/instance/iamge/aliyun/cn-beijing')).status).toBe(404);
    expect((await h.call('POST', '/v1/cluster/3', { body: templateBody() })).status).toBe(404);
    expect((await h.call('GET', '/v1/instance/101.1.2.42')).json).toEqual(envelope(10999, 'get one instance err'));
  });

  it('reads an unreadable or mistyped body as the operation input error, whatever its content type', async () => {
    expect((await h.call('POST', '/v1/cluster', { raw: '{"Name":' })).json).toEqual(envelope(12996, 'Input error!'));
    expect((await h.call('POST', '/v1/cluster', { body: templateBody({ DataDiskSize: '100' }) })).json).toEqual(
      envelope(12996, 'Input error!'),
    );
    const plain = await h.call('POST', '/v1/cluster', {
      raw: JSON.stringify(templateBody()),
      contentType: 'text/plain',
    });
    expect(plain.json).toMatchObject({ code: 0, content: expect.any(Number) });
  });

  it('matches body keys case-insensitively as Go does', async () => {
    const body = Object.fromEntries(Object.entries(templateBody()).map(([k, v]) => [k.toLowerCase(), v]));
    const r = await h.call('POST', '/v1/cluster', { body });
    expect(r.json.code).toBe(0);
    expect((await h.call('GET', `/v1/cluster/${r.json.content}`)).json.content.Name).toBe('1Core1G经典网');
  });

  it('demands configured gateway headers with HTTP 401 when a gateway is emulated', async () => {
    const gated = await startLegacy({ gatewayHeaders: { 'X-Api-Key': 'gw-key' } });
    try {
      const refused = await gated.call('GET', '/v1/cluster');
      expect([refused.status, refused.json]).toEqual([401, envelope(401, 'Unauthorized')]);
      expect((await gated.call('GET', '/v1/cluster', { headers: { 'x-api-key': 'gw-key' } })).status).toBe(200);
    } finally {
      await gated.close();
    }
  });
});

describe('the 32 documented operations', () => {
  it('serves each one at its documented method and path under its operation name', async () => {
    const id = (await expand(3, 1)).json.content[0]; // op 5
    await h.advance(3000);
    const cid = { correlationId: '1-1' };
    const phydev = { instancelist: [{ PublicIp: '101.1.2.146', PrivateIp: '1.11.1.123', Password: 'p' }] };
    const openstack = { OpIP: '127.0.0.1', OpPort: '26018', OpUserName: 'root', OpPassword: 'p' };
    const { Name: _n, Id: _i, Cpu: _c, Ram: _r, Replication: _rep, FlavorId: _f, ...machine } = templateBody();
    const calls: Array<[number, 'GET' | 'POST' | 'PUT' | 'DELETE', string, Record<string, unknown>?]> = [
      [1, 'GET', '/v1/cluster'],
      [2, 'GET', '/v1/cluster/3'],
      [3, 'POST', '/v1/cluster', { body: templateBody() }],
      [4, 'DELETE', '/v1/cluster/6'],
      [6, 'GET', '/v1/cluster/number/3'],
      [7, 'GET', '/v1/cluster/oldnumber/2017-08-02%2017:52:29'],
      [8, 'POST', '/v1/instance', { body: machine }],
      [9, 'GET', `/v1/instance/${id}`],
      [10, 'GET', `/v1/start/${id}`],
      [11, 'GET', `/v1/status/${id}`],
      [12, 'POST', '/v1/status', { body: { InstanceId: id, Status: 7 } }],
      [14, 'GET', '/v1/instance/sshkey/1.2.3.4'],
      [15, 'PUT', `/v1/instance/sshkey/${id}`],
      [16, 'GET', '/v1/instance/provider'],
      [17, 'GET', '/v1/instance/regions/aliyun'],
      [18, 'GET', '/v1/instance/zones/aliyun/cn-beijing'],
      [19, 'GET', '/v1/instance/vpc/aliyun/cn-beijing'],
      [20, 'GET', '/v1/instance/subnet/aliyun/cn-beijing-a/vpc-2ze0sufdt8yiguyg8u2lp'],
      [21, 'GET', '/v1/instance/type/aliyun'],
      [22, 'GET', '/v1/instance/charge/aliyun'],
      [23, 'GET', '/v1/instance/disk_category/aliyun'],
      [24, 'GET', '/v1/instance/image/aliyun/cn-beijing'],
      [25, 'GET', '/v1/instance/security_group/aliyun/cn-beijing'],
      [26, 'GET', '/v1/instance/list'],
      [27, 'GET', '/v1/instance/cluster/3'],
      [28, 'GET', `/v1/instance/log/1-1/${id}`],
      [29, 'GET', `/v1/instance/log/${id}`],
      [30, 'PUT', '/v1/instance/phydev', { body: machine }],
      [31, 'POST', '/v1/instance/phydev', { body: phydev, ...cid }],
      [32, 'POST', '/v1/instance/openstack', { body: openstack }],
      [13, 'DELETE', `/v1/instance/${id}`, cid],
    ];
    for (const [n, method, path, opts] of calls) {
      const r = await h.call(method, path, opts);
      expect([n, r.status], `op ${n}`).toEqual([n, 200]);
      const last = (await h.control('GET', '/calls?limit=1')).json.recent[0];
      expect(last.op, `op ${n}`).toBe(LEGACY_OPS[n as keyof typeof LEGACY_OPS]);
      if (n !== 14) expect(r.json, `op ${n}`).toMatchObject({ code: 0 });
    }
    const counts = (await h.control('GET', '/calls')).json.counts;
    expect(Object.values(LEGACY_OPS).filter((op) => !counts[op])).toEqual([]);
  });
});

describe('templates (ops 1-4)', () => {
  it('lists the seeded templates in id order with the documented fields', async () => {
    const r = await h.call('GET', '/v1/cluster');
    expect(r.json.content.map((t: { Id: number }) => t.Id)).toEqual([
      DEMO_ALIYUN_TEMPLATE_ID,
      DEMO_PHYSICAL_TEMPLATE_ID,
      DEMO_AWS_TEMPLATE_ID,
    ]);
    expect(Object.keys(r.json.content[0])).toEqual([
      'Id',
      'Name',
      'Provider',
      'LastestPartNum',
      'Desc',
      'CreateTime',
      'DeleteTime',
      'Cpu',
      'Ram',
      'InstanceType',
      'ImageId',
      'PostScript',
      'KeyName',
      'Network',
      'Zone',
      'Replication',
      'SystemDiskCategory',
      'DataDiskSize',
      'DataDiskNum',
      'DataDiskCategory',
      'FlavorId',
    ]);
  });

  it('gets template 3 as the document shows it, times in UTC+08:00 and DeleteTime at Go zero time', async () => {
    const r = await h.call('GET', '/v1/cluster/3');
    expect(r.json).toEqual(
      envelope(0, null, {
        Id: 3,
        Name: '1Core1G经典网',
        Provider: 'aliyun',
        LastestPartNum: 0,
        Desc: '',
        CreateTime: '2017-08-02T17:52:29+08:00',
        DeleteTime: '0001-01-01T00:00:00Z',
        Cpu: 1,
        Ram: 1,
        InstanceType: 'ecs.n1.tiny',
        ImageId: 'centos7u2_64_40G_cloudinit_20160728.raw',
        PostScript: '',
        KeyName: 'key',
        Network: {
          Id: 1,
          VpcId: '',
          SubnetId: '',
          SecurityGroup: '',
          InternetChargeType: 'PayByBandwidth',
          InternetMaxBandwidthOut: 5,
        },
        Zone: { Id: 1, RegionName: 'cn-beijing', ZoneName: 'cn-beijing-c' },
        Replication: null,
        SystemDiskCategory: 'cloud_efficiency',
        DataDiskSize: 100,
        DataDiskNum: 1,
        DataDiskCategory: 'cloud_efficiency',
        FlavorId: '',
      }),
    );
  });

  it('refuses a non-integer id with 12996 and an unknown one with 10999 QuerySeter', async () => {
    expect((await h.call('GET', '/v1/cluster/3x')).json).toEqual(envelope(12996, 'Input error!'));
    expect((await h.call('GET', '/v1/cluster/99')).json).toEqual(envelope(10999, 'QuerySeter no row found'));
  });

  it('creates a template answering its new int id, with fresh Network and Zone ids', async () => {
    const r = await h.call('POST', '/v1/cluster', { body: templateBody({ Name: 'tiny', Cpu: 0, Ram: 0 }) });
    expect(r.json).toEqual(envelope(0, null, 6));
    const t = (await h.call('GET', '/v1/cluster/6')).json.content;
    expect(t).toMatchObject({
      Id: 6,
      Name: 'tiny',
      LastestPartNum: 0,
      Cpu: 1,
      Ram: 1,
      DeleteTime: '0001-01-01T00:00:00Z',
    });
    expect([t.Network.Id, t.Zone.Id]).toEqual([4, 4]);
    expect((await h.call('POST', '/v1/cluster', { body: templateBody() })).json.content).toBe(7);
  });

  it('keeps the document example label as the instance type and its Cpu/Ram as sent', async () => {
    const r = await h.call('POST', '/v1/cluster', { body: templateBody({ InstanceType: '1核1G', Cpu: 1, Ram: 2 }) });
    const t = (await h.call('GET', `/v1/cluster/${r.json.content}`)).json.content;
    expect(t).toMatchObject({ InstanceType: '1核1G', Cpu: 1, Ram: 2 });
  });

  it('checks DataDiskNum with 11996, required fields with 12996 and the provider with 10999', async () => {
    const range = envelope(
      11996,
      'The paramter (DataDiskNum) over size limited and the size range is larger than 0 and less equal 4.!',
    );
    for (const n of [0, 5, -1])
      expect((await h.call('POST', '/v1/cluster', { body: templateBody({ DataDiskNum: n }) })).json).toEqual(range);
    expect((await h.call('POST', '/v1/cluster', { body: templateBody({ DataDiskNum: 4 }) })).json.code).toBe(0);
    const { Zone: _zone, ...noZone } = templateBody();
    expect((await h.call('POST', '/v1/cluster', { body: noZone })).json).toEqual(envelope(12996, 'Input error!'));
    expect((await h.call('POST', '/v1/cluster', { body: templateBody({ Name: '' }) })).json).toEqual(
      envelope(12996, 'Input error!'),
    );
    expect((await h.call('POST', '/v1/cluster', { body: templateBody({ Provider: 'gcp' }) })).json).toEqual(
      envelope(10999, 'unknown backend provider driver: gcp'),
    );
  });

  it('deletes softly: content true, gone from list and get, its machines keep it with a DeleteTime', async () => {
    const ids = (await expand(3, 1)).json.content as string[];
    expect((await h.call('DELETE', '/v1/cluster/3')).json).toEqual(envelope(0, null, true));
    expect((await h.call('GET', '/v1/cluster')).json.content.map((t: { Id: number }) => t.Id)).toEqual([4, 5]);
    expect((await h.call('GET', '/v1/cluster/3')).json).toEqual(envelope(10999, 'QuerySeter no row found'));
    const machine = (await h.call('GET', `/v1/instance/${ids[0]}`)).json.content;
    expect(machine.Cluster).toMatchObject({ Id: 3, DeleteTime: '2017-08-02T17:52:29+08:00' });
    expect((await h.call('DELETE', '/v1/cluster/3')).json).toEqual(envelope(10999, 'Delete cluster err'));
  });

  it('refuses to delete an unknown template, the Physical device one, or a non-integer id', async () => {
    expect((await h.call('DELETE', '/v1/cluster/77')).json).toEqual(envelope(10999, 'Delete cluster err'));
    expect((await h.call('DELETE', '/v1/cluster/4')).json).toEqual(envelope(10999, 'Delete cluster err'));
    expect((await h.call('DELETE', '/v1/cluster/x')).json).toEqual(envelope(12996, 'Input error!'));
  });
});

describe('expand (op 5)', () => {
  it('creates N machines of the stored template, answering their ids with ext = the template id', async () => {
    const r = await expand(3, 3);
    expect(r.json).toMatchObject({ code: 0, msg: null, ext: 3 });
    const ids = r.json.content as string[];
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(/^i-[a-z0-9]{20}$/);
    const members = (await h.call('GET', '/v1/instance/cluster/3')).json.content;
    expect(members.map((m: { InstanceId: string }) => m.InstanceId)).toEqual(ids);
  });

  it('builds machines from the stored template, not from the body (the example body says 1核1G)', async () => {
    const ids = (await expand(3, 1, templateBody({ InstanceType: '1核1G', Cpu: 0, Ram: 0 }))).json.content;
    const m = (await h.call('GET', `/v1/instance/${ids[0]}`)).json.content;
    expect(m).toMatchObject({
      InstanceType: 'ecs.n1.tiny',
      Cpu: 1,
      Ram: 1,
      Provider: 'aliyun',
      ZoneId: 'cn-beijing-c',
    });
  });

  it('boots each machine from status 0 to 7 and completes its engine job', async () => {
    const ids = (await expand(3, 2)).json.content as string[];
    const statuses = async () =>
      (await h.call('GET', `/v1/status/${ids.join(',')}`)).json.content.map((s: { status: number }) => s.status);
    expect(await statuses()).toEqual([0, 0]);
    const job = () => h.control('GET', '/jobs').then((r) => r.json.items[0]);
    expect(await job()).toMatchObject({ kind: 'group.expand', status: 'running' });
    await h.advance(3000);
    expect(await statuses()).toEqual([7, 7]);
    expect(await job()).toMatchObject({ status: 'succeeded', result: { instanceIds: ids, failed: [] } });
  });

  it('requires X-CORRELATION-ID before anything else and records it in the call log', async () => {
    expect((await expand(99, 'x', {}, null)).json).toEqual(
      envelope(12997, 'Missing requisite parameter(X-CORRELATION-ID)!'),
    );
    expect((await expand(3, 1, templateBody(), '   ')).json.code).toBe(12997);
    expect((await expand(3, 1, templateBody(), 'c'.repeat(256))).json).toEqual(envelope(12996, 'Input error!'));
    await expand(3, 1, templateBody(), '20-20');
    const calls = (await h.control('GET', '/calls')).json.recent.filter(
      (c: { op: string }) => c.op === 'cluster.expand',
    );
    expect(calls.at(-1)).toMatchObject({ method: 'POST', fields: { correlationId: '20-20' } });
  });

  it('refuses bad counts, bodies and templates with the documented codes', async () => {
    const range = (max: number) =>
      envelope(
        11996,
        `The paramter (number) over size limited and the size range is larger than 0 and less equal ${max}.!`,
      );
    expect((await expand(3, 0)).json).toEqual(range(1000));
    expect((await expand(3, 1001)).json).toEqual(range(1000));
    expect((await expand(3, 'two')).json).toEqual(envelope(12996, 'Input error!'));
    const bodiless = await h.call('POST', '/v1/cluster/3/expand/1', { correlationId: '1-1' });
    expect(bodiless.json).toEqual(envelope(12996, 'Input error!'));
    expect((await expand(3, 1, templateBody({ DataDiskNum: 9 }))).json.code).toBe(11996);
    expect((await expand(42, 1)).json).toEqual(envelope(10999, 'QuerySeter no row found'));
    expect((await expand(4, 1)).json).toEqual(envelope(10999, 'unknown backend provider driver: phydev'));
  });

  it('refuses a template its driver rejects with 10999 and creates nothing', async () => {
    const id = (await h.call('POST', '/v1/cluster', { body: templateBody({ InstanceType: '1核1G' }) })).json.content;
    expect((await expand(id, 2)).json).toEqual(
      envelope(10999, 'create instance err: instance type 1核1G not supported'),
    );
    const other = (
      await h.call('POST', '/v1/cluster', {
        body: templateBody({ Zone: { Id: 0, RegionName: 'cn-beijing', ZoneName: 'cn-beijing-z' } }),
      })
    ).json.content;
    expect((await expand(other, 1)).json.msg).toBe(
      'create instance err: zone cn-beijing-z not found in region cn-beijing',
    );
    expect((await h.control('GET', '/instances')).json.total).toBe(1); // only the seeded physical machine
  });

  it('is not deduplicated by correlation id: the same id twice makes machines twice', async () => {
    await expand(3, 1, templateBody(), 'same');
    await expand(3, 1, templateBody(), 'same');
    expect((await h.call('GET', '/v1/instance/cluster/3')).json.content).toHaveLength(2);
  });

  it('still creates the machines when the answer of an expand is lost', async () => {
    await h.control('POST', '/faults', { op: 'cluster.expand', kind: 'lost_answer', times: 1 });
    await expect(expand(3, 2, templateBody(), 'lost-1')).rejects.toThrow();
    const members = (await h.call('GET', '/v1/instance/cluster/3')).json.content;
    expect(members).toHaveLength(2);
    const lines = (await h.call('GET', `/v1/instance/log/lost-1/${members[0].InstanceId}`)).json.content;
    expect(lines[0]).toMatchObject({ CorrelationId: 'lost-1', Level: 'info' });
  });

  it('expands the AWS template with the driver placeholders and VPC addresses', async () => {
    const ids = (await expand(5, 1)).json.content;
    expect(ids[0]).toMatch(/^i-0[0-9a-f]{16}$/);
    const m = (await h.call('GET', `/v1/instance/${ids[0]}`)).json.content;
    expect(m).toMatchObject({
      Provider: 'aws',
      RegionId: 'aws region ',
      ZoneId: 'aws zone',
      CostWay: 'aws costway',
      NatIpAddress: 'aws nia',
      VpcId: 'vpc-62a57d06',
      SubnetId: 'subnet-f303e897',
      SecurityGroupId: 'sg-d6d62bb3',
      InstanceType: 't2.micro',
    });
    expect(m.PrivateIpAddress).toMatch(/^172\.31\.(\d|1[0-5])\.\d+$/);
    expect(m.PublicIpAddress).toMatch(/^52\.80\./);
  });

  it('makes a named engine machine fail by the configured name pattern, reported as status 8', async () => {
    await h.control('PATCH', '/config', { createErrorNamePattern: '-bad-' });
    const ids = (await expand(3, 1, templateBody(), 'bad')).json.content;
    await h.advance(3000);
    expect((await h.call('GET', `/v1/status/${ids[0]}`)).json.content[0].status).toBe(8);
  });
});
