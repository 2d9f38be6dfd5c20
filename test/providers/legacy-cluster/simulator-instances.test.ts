import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PHYDEV, DEMO_PLACEMENT } from '../../../src/providers/legacy-cluster/simulator.ts';
import { type LegacyHarness, envelope, instanceBody, startLegacy, templateBody } from './simulator-harness.ts';

let h: LegacyHarness;
beforeAll(async () => {
  h = await startLegacy();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

async function expandOne(template = 3): Promise<string> {
  const r = await h.call('POST', `/v1/cluster/${template}/expand/1`, { body: templateBody(), correlationId: '1-1' });
  return r.json.content[0] as string;
}
const statusOf = async (id: string): Promise<number | undefined> =>
  (await h.call('GET', `/v1/status/${id}`)).json.content[0]?.status;
const running = async (): Promise<string> => {
  const id = await expandOne();
  await h.advance(3000);
  return id;
};

describe('create one machine (op 8)', () => {
  it('answers the new machine private IP as a string and boots it to 7', async () => {
    const r = await h.call('POST', '/v1/instance', { body: instanceBody() });
    expect(r.json).toMatchObject({ code: 0, msg: null, ext: null });
    expect(r.json.content).toMatch(/^10\.\d+\.\d+\.\d+$/);
    const machine = (await h.call('GET', '/v1/instance/cluster/0')).json.content[0];
    expect(machine).toMatchObject({ PrivateIpAddress: r.json.content, InstanceType: 'ecs.c2.medium', Cpu: 4, Ram: 8 });
    expect(await statusOf(machine.InstanceId)).toBe(0);
    await h.advance(3000);
    expect(await statusOf(machine.InstanceId)).toBe(7);
  });

  it('nests the zero-value template for a machine of no template', async () => {
    await h.call('POST', '/v1/instance', { body: instanceBody() });
    const m = (await h.call('GET', '/v1/instance/cluster/0')).json.content[0];
    expect(m.Cluster).toMatchObject({
      Id: 0,
      Name: '',
      CreateTime: '0001-01-01T00:00:00Z',
      DeleteTime: '0001-01-01T00:00:00Z',
      Network: { Id: 0, VpcId: '' },
      Zone: { Id: 0, RegionName: '' },
    });
  });

  it('places a VPC machine in its subnet CIDR and accepts a type label', async () => {
    const p = DEMO_PLACEMENT.aliyun;
    const body = instanceBody({
      InstanceType: '1Core-2GB',
      Network: {
        Id: 0,
        VpcId: p.vpcId,
        SubnetId: p.subnetId,
        SecurityGroup: '',
        InternetChargeType: '',
        InternetMaxBandwidthOut: 0,
      },
    });
    const ip = (await h.call('POST', '/v1/instance', { body })).json.content;
    expect(ip).toMatch(/^172\.17\.2(0[89]|1\d|2[0-3])\.\d+$/);
    const m = (await h.call('GET', '/v1/instance/cluster/0')).json.content[0];
    expect(m).toMatchObject({
      VpcId: p.vpcId,
      SubnetId: p.subnetId,
      PublicIpAddress: '',
      InstanceType: 'ecs.n1.small',
    });
  });

  it('answers bad input with 12996 "Input error" (no "!") and a rejected placement with 10999', async () => {
    const bare = envelope(12996, 'Input error');
    expect((await h.call('POST', '/v1/instance', { body: instanceBody({ ImageId: '' }) })).json).toEqual(bare);
    expect((await h.call('POST', '/v1/instance', { body: instanceBody({ DataDiskNum: 5 }) })).json).toEqual(bare);
    expect((await h.call('POST', '/v1/instance', { raw: '{"Provider":"aliyun",}' })).json).toEqual(bare);
    expect((await h.call('POST', '/v1/instance', { body: instanceBody({ Provider: 'azure' }) })).json).toEqual(
      envelope(10999, 'unknown backend provider driver: azure'),
    );
    expect((await h.call('POST', '/v1/instance', { body: instanceBody({ ImageId: 'm-nope' }) })).json).toEqual(
      envelope(10999, 'create instance err: image m-nope not found in region cn-beijing'),
    );
    const badNet = instanceBody({
      Network: {
        Id: 0,
        VpcId: 'vpc-x',
        SubnetId: '',
        SecurityGroup: '',
        InternetChargeType: '',
        InternetMaxBandwidthOut: 0,
      },
    });
    expect((await h.call('POST', '/v1/instance', { body: badNet })).json.msg).toBe(
      'create instance err: vpc vpc-x not found in region cn-beijing',
    );
  });
});

describe('get (op 9)', () => {
  it('answers the instance object with the documented fields in order', async () => {
    const id = await running();
    const m = (await h.call('GET', `/v1/instance/${id}`)).json.content;
    expect(Object.keys(m)).toEqual([
      'Id',
      'Cluster',
      'Provider',
      'CreateTime',
      'Cpu',
      'Ram',
      'InstanceId',
      'ImageId',
      'InstanceType',
      'KeyName',
      'VpcId',
      'SubnetId',
      'SecurityGroupId',
      'RegionId',
      'ZoneId',
      'DataDiskNum',
      'DataDiskSize',
      'DataDiskCategory',
      'SystemDiskCategory',
      'CostWay',
      'PreBuyMonth',
      'PrivateIpAddress',
      'PublicIpAddress',
      'NatIpAddress',
      'Status',
      'TenantID',
      'UserID',
      'Name',
    ]);
    expect(m).toMatchObject({
      InstanceId: id,
      Provider: 'aliyun',
      RegionId: 'cn-beijing',
      ZoneId: 'cn-beijing-c',
      SecurityGroupId: 'sg-25vpbkswc',
      CostWay: 'PostPaid',
      KeyName: '',
      Status: 7,
      TenantID: '',
      UserID: '',
      Name: '',
      CreateTime: '2017-08-02T17:52:29+08:00',
    });
    expect(m.Cluster).toMatchObject({ Id: 3, Name: '1Core1G经典网' });
  });

  it('shows the seeded physical machine with status 3', async () => {
    const m = (await h.call('GET', `/v1/instance/${DEMO_PHYDEV.instanceId}`)).json.content;
    expect(m).toMatchObject({
      Provider: 'phydev',
      Status: 3,
      PublicIpAddress: DEMO_PHYDEV.publicIp,
      PrivateIpAddress: DEMO_PHYDEV.privateIp,
      Cluster: { Id: 4, Name: 'Physical device', Provider: 'phydev', Desc: 'About physical device' },
    });
  });

  it('answers an unknown id with 10999 and a missing one with 12997', async () => {
    expect((await h.call('GET', '/v1/instance/i-unknown')).json).toEqual(envelope(10999, 'get one instance err'));
    expect((await h.call('GET', '/v1/instance/')).json).toEqual(envelope(12997, 'Missing requisite parameter!'));
    expect((await h.call('GET', '/v1/instance')).json).toEqual(envelope(12997, 'Missing requisite parameter!'));
  });
});

describe('status (ops 11, 12) and start (op 10)', () => {
  it('answers an array of snake_case items, several ids comma-separated, unknown ones absent', async () => {
    const a = await running();
    const b = await running();
    const r = await h.call('GET', `/v1/status/${a},i-nope,${b},${a}`);
    expect(r.json).toEqual(
      envelope(0, null, [
        { instance_id: a, status: 7, ip_address: expect.stringMatching(/^101\.201\./) },
        { instance_id: b, status: 7, ip_address: expect.stringMatching(/^101\.201\./) },
      ]),
    );
    expect((await h.call('GET', '/v1/status/i-nope')).json).toEqual(envelope(0, null, []));
    expect((await h.call('GET', '/v1/status/')).json).toEqual(envelope(12997, 'Missing requisite parameter!'));
    expect((await h.call('GET', '/v1/status')).json).toEqual(envelope(12997, 'Missing requisite parameter!'));
  });

  it('stores a set status, and a start brings a stopped (1) machine through 3 to 7', async () => {
    const id = await running();
    expect((await h.call('POST', '/v1/status', { body: { InstanceId: id, Status: 1 } })).json).toEqual(
      envelope(0, null, 1),
    );
    expect(await statusOf(id)).toBe(1);
    expect((await h.call('GET', `/v1/start/${id}`)).json).toEqual(envelope(0, null, true));
    expect(await statusOf(id)).toBe(3);
    await h.advance(1000);
    expect(await statusOf(id)).toBe(7);
    expect((await h.call('GET', `/v1/start/${id}`)).json).toEqual(envelope(0, null, true));
  });

  it('stores any integer as is, and a value written during a boot gives way when the boot lands', async () => {
    const id = await running();
    await h.call('POST', '/v1/status', { body: { InstanceId: id, Status: 42 } });
    expect(await statusOf(id)).toBe(42);
    const booting = await expandOne();
    await h.call('POST', '/v1/status', { body: { InstanceId: booting, Status: 2 } });
    expect(await statusOf(booting)).toBe(2);
    await h.advance(3000);
    expect(await statusOf(booting)).toBe(7);
  });

  it('refuses bad status bodies with 12996 and unknown machines with 10999 content false', async () => {
    expect((await h.call('POST', '/v1/status', { body: { InstanceId: 'x', Status: '1' } })).json).toEqual(
      envelope(12996, 'Input error'),
    );
    expect((await h.call('POST', '/v1/status', { body: { Status: 1 } })).json).toEqual(envelope(12996, 'Input error'));
    expect((await h.call('POST', '/v1/status', { body: { instanceid: 'i-nope', status: 1 } })).json).toEqual(
      envelope(10999, 'update instance status err', false),
    );
  });

  it('cannot start an unknown, booting, failed or physical machine (10999, content false)', async () => {
    const cannot = envelope(10999, 'Could not start instances', false);
    expect((await h.call('GET', '/v1/start/i-nope')).json).toEqual(cannot);
    const booting = await expandOne();
    expect((await h.call('GET', `/v1/start/${booting}`)).json).toEqual(cannot);
    await h.call('POST', '/v1/status', { body: { InstanceId: booting, Status: 8 } });
    expect((await h.call('GET', `/v1/start/${booting}`)).json).toEqual(cannot);
    await h.call('POST', '/v1/status', { body: { InstanceId: DEMO_PHYDEV.instanceId, Status: 1 } });
    expect((await h.call('GET', `/v1/start/${DEMO_PHYDEV.instanceId}`)).json).toEqual(cannot);
    expect((await h.call('GET', '/v1/start/')).json).toEqual(envelope(12997, 'Missing requisite parameter!'));
  });
});

describe('delete (op 13)', () => {
  it('deletes a comma-separated batch: status 16 until the delete completes, then gone', async () => {
    const a = await running();
    const b = await running();
    const r = await h.call('DELETE', `/v1/instance/${a},${b}`, { correlationId: '9-9' });
    expect(r.json).toEqual(envelope(0, null, null));
    expect(await statusOf(a)).toBe(16);
    expect((await h.call('DELETE', `/v1/instance/${a}`, { correlationId: '9-9' })).json.code).toBe(0);
    await h.advance(2000);
    expect((await h.call('GET', `/v1/status/${a},${b}`)).json.content).toEqual([]);
    expect((await h.call('GET', `/v1/instance/${a}`)).json.code).toBe(10999);
    const lines = (await h.call('GET', `/v1/instance/log/9-9/${b}`)).json.content;
    expect(lines.map((l: { Message: string }) => l.Message)).toEqual([`delete instance ${b}`]);
  });

  it('requires X-CORRELATION-ID and refuses the whole batch when one id is unknown', async () => {
    const a = await running();
    expect((await h.call('DELETE', `/v1/instance/${a}`)).json).toEqual(
      envelope(12997, 'Missing requisite parameter(X-CORRELATION-ID)!'),
    );
    expect((await h.call('DELETE', '/v1/instance')).json.msg).toBe('Missing requisite parameter(X-CORRELATION-ID)!');
    expect((await h.call('DELETE', `/v1/instance/${a},i-gone`, { correlationId: '1-1' })).json).toEqual(
      envelope(12997, 'QuerySeter no row found'),
    );
    expect(await statusOf(a)).toBe(7);
    expect((await h.call('DELETE', '/v1/instance/,', { correlationId: '1-1' })).json).toEqual(
      envelope(12997, 'Missing requisite parameter!'),
    );
  });
});

describe('ssh keys (ops 14, 15)', () => {
  it('downloads the key file of a machine by public or private IP as a raw attachment', async () => {
    const id = await running();
    const m = (await h.call('GET', `/v1/instance/${id}`)).json.content;
    for (const ip of [m.PublicIpAddress, m.PrivateIpAddress]) {
      const r = await h.call('GET', `/v1/instance/sshkey/${ip}`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/x-pem-file');
      expect(r.headers['content-disposition']).toBe(`attachment; filename="${ip}.pem"`);
      expect(r.text).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PRIVATE KEY-----\n$/);
    }
  });

  it('answers 12997 QuerySeter for an unknown IP and for a registered machine without a key', async () => {
    const noRow = envelope(12997, 'QuerySeter no row found');
    expect((await h.call('GET', '/v1/instance/sshkey/9.9.9.9')).json).toEqual(noRow);
    expect((await h.call('GET', `/v1/instance/sshkey/${DEMO_PHYDEV.publicIp}`)).json).toEqual(noRow);
  });

  it('uploads a raw key for a machine, answers it, and serves it on download', async () => {
    const key = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host';
    const up = await h.call('PUT', `/v1/instance/sshkey/${DEMO_PHYDEV.instanceId}`, {
      raw: key,
      contentType: 'text/plain',
    });
    expect(up.json).toEqual(envelope(0, null, key));
    expect((await h.call('GET', `/v1/instance/sshkey/${DEMO_PHYDEV.publicIp}`)).text).toBe(key);
    const asJson = await h.call('PUT', `/v1/instance/sshkey/${DEMO_PHYDEV.instanceId}`, { raw: key });
    expect(asJson.json.content).toBe(key);
  });

  it('generates a key when the upload has no body, and refuses unknown machines or object bodies', async () => {
    const r = await h.call('PUT', `/v1/instance/sshkey/${DEMO_PHYDEV.instanceId}`);
    expect(r.json.content).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect((await h.call('PUT', '/v1/instance/sshkey/i-nope')).json).toEqual(
      envelope(12997, 'QuerySeter no row found'),
    );
    expect((await h.call('PUT', `/v1/instance/sshkey/${DEMO_PHYDEV.instanceId}`, { body: { Key: 'x' } })).json).toEqual(
      envelope(12996, 'Input error!'),
    );
  });
});
