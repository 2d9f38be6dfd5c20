import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_HOSTS,
  DEMO_NETWORKS,
  DEMO_OTHER_TENANT,
  DEMO_OUTER_IPS,
  DEMO_POOL,
  DEMO_SECURITY_GROUP,
  DEMO_STORAGES,
  DEMO_TENANT,
} from '../../../src/providers/starvcenter/simulator.ts';
import { DELAYS, type Harness, expectRefusal, runningVm, startHarness } from './simulator-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----';

async function router(name = 'gw'): Promise<string> {
  const env = await h.ok('POST', 'vroute/create', { 'vroute.name': name });
  h.advance(DELAYS.bootMs);
  return env.data[0]['vm.id'];
}

describe('tenants and quotas (#1 #63–#65)', () => {
  it('creates a tenant whose id works in the quota operations', async () => {
    const env = await h.ok('POST', 'cloudTenant/create', {
      'app.name': 'team-a',
      'app.cpu.quota': '64',
      'app.memory.quota': '131072',
      'app.storage.quota': '2000',
      'app.portgroup.quota': '5',
      'app.outerip.quota': '4',
      'app.desc': 'dev',
    });
    expect(env).toEqual({ result: '0', data: { 'app.id': expect.any(String) } });
    const id = env.data['app.id'];
    const q = await h.ok('POST', 'resourcequota/usableQuota', { 'tenant.id': id });
    expect(q.data).toEqual({
      cpu: 64,
      memory: 131072,
      storage: 2000,
      outerIpSize: 4,
      portGroupSize: 5,
      oss: 0,
      countCpu: 64,
      countMemory: 131072,
      countStorage: 2000,
      countOuterIpSize: 4,
      countPortGroupSize: 5,
      countOss: 0,
    });
    expectRefusal(await h.call('POST', 'cloudTenant/create', { 'app.name': 'team-a' }), /already used/);
    expectRefusal(await h.call('POST', 'cloudTenant/create', {}), /app\.name is required/);
    const token = (await h.ctl('POST', '/starvcenter/tokens', { tenant: id })).json.token;
    expect((await h.ok('POST', 'cloudvm/search', {}, token)).dataCount).toBe(0);
  });

  it('reports the resource pool as numbers', async () => {
    expect(await h.ok('POST', 'resourcequota/search', {})).toEqual({ result: '0', data: { ...DEMO_POOL } });
  });

  it('counts use against the quota and refuses a quota below use or above the pool', async () => {
    await runningVm(h, 'user', {
      'vm.vcpu.num': '4',
      'vm.memory.mem': '8192',
      'vm.vdisk.num': '1',
      'vm.vdisk.size': '60',
    });
    const q = (await h.ok('POST', 'resourcequota/usableQuota', { 'tenant.id': DEMO_TENANT.id })).data;
    expect(q.countCpu - q.cpu).toBe(4);
    expect(q.countMemory - q.memory).toBe(8192);
    expect(q.countStorage - q.storage).toBe(100);
    expect(q.countPortGroupSize - q.portGroupSize).toBe(2);
    const modify = (p: Record<string, unknown>) =>
      h.call('PUT', 'resourcequota/modify', {
        tenantId: DEMO_TENANT.id,
        cpu: '100',
        memory: '100000',
        storage: '1000',
        ip: '5',
        vpc: '5',
        ...p,
      });
    expect((await modify({})).env).toEqual({ result: '0' });
    expect((await h.ok('POST', 'resourcequota/usableQuota', { 'tenant.id': DEMO_TENANT.id })).data.countCpu).toBe(100);
    expectRefusal(await modify({ cpu: '3' }), /cannot go below what is in use \(4\)/);
    expectRefusal(await modify({ cpu: String(DEMO_POOL.cpu + 1) }), /exceeds the resource pool/);
    expectRefusal(await modify({ vpc: undefined }), /vpc is required/);
    expectRefusal(await modify({ tenantId: 'nobody' }), /Tenant nobody does not exist/);
    expectRefusal(await h.call('POST', 'resourcequota/usableQuota', {}), /tenant\.id is required/);
  });
});

describe('cloud routers (#58–#61)', () => {
  it('creates a router VM that comes online when its job ends', async () => {
    const env = await h.ok('POST', 'vroute/create', { 'vroute.name': 'edge', 'vroute.manageip': '10.10.0.50' });
    expect(Object.keys(env).sort()).toEqual(['data', 'result']);
    expect(env.data).toEqual([
      {
        'vm.id': expect.any(String),
        'vm.name': 'edge',
        'vm.manageip': '10.10.0.50',
        jobstartid: expect.stringMatching(/^\d+$/),
      },
    ]);
    const id = env.data[0]['vm.id'];
    const get = async () => (await h.ok('GET', `vroute/${id}`)).data;
    expect(await get()).toEqual({
      'vroute.id': id,
      'vroute.name': 'edge',
      'vroute.desc': '',
      'vroute.createtime': '2024-05-01 10:00:00',
      'vroute.register.address': expect.stringMatching(/^10\.0\.0\.1[12]$/),
      'vroute.online': 'false',
      'vroute.manageip': '10.10.0.50',
    });
    h.advance(DELAYS.bootMs);
    expect((await get())['vroute.online']).toBe('true');
    expect((await h.ok('POST', 'cloudvm/search', {})).dataCount).toBe(0); // not a cloud host
    expectRefusal(await h.call('POST', 'vroute/create', { 'vroute.manageip': '10.10.0.50' }), /already used/);
  });

  it('creates an HA pair as two router VMs', async () => {
    const env = await h.ok('POST', 'vroute/create', { 'vroute.name': 'ha', 'vroute.ha.enable': 'true' });
    expect(env.data.map((r: any) => r['vm.name'])).toEqual(['ha-1', 'ha-2']);
    expect(new Set(env.data.map((r: any) => r['vm.manageip'])).size).toBe(2);
  });

  it('attaches and detaches subnets on the tenant router', async () => {
    expectRefusal(await h.call('POST', 'vroute/vpcAdd', { 'portgroup.id': DEMO_NETWORKS[0]!.id }), /no cloud router/);
    await router();
    expect(await h.ok('POST', 'vroute/vpcAdd', { 'portgroup.id': DEMO_NETWORKS[0]!.id })).toEqual({ result: '0' });
    expectRefusal(await h.call('POST', 'vroute/vpcAdd', { 'portgroup.id': DEMO_NETWORKS[0]!.id }), /already attached/);
    expectRefusal(await h.call('POST', 'cloudnetwork/vpc/delete', { 'vpc.id': DEMO_NETWORKS[0]!.id }), /attached/);
    expect(await h.ok('POST', 'vroute/vpcDelete', { 'portgroup.id': DEMO_NETWORKS[0]!.id })).toEqual({ result: '0' });
    expectRefusal(await h.call('POST', 'vroute/vpcDelete', { 'portgroup.id': DEMO_NETWORKS[0]!.id }), /not attached/);
    expectRefusal(await h.call('POST', 'vroute/vpcAdd', {}), /portgroup\.id is required/);
    expectRefusal(await h.call('GET', 'vroute/nope'), /Cloud router nope does not exist/);
  });
});

describe('load balancers (#67–#77)', () => {
  async function slb(extra: Record<string, unknown> = {}) {
    const gw = await router();
    const vm = await runningVm(h, 'backend');
    const env = await h.ok('POST', 'cloudslb/add', {
      'slb.name': 'web-lb',
      'slb.appid': DEMO_TENANT.id,
      'slb.protocal.type': 'HTTP',
      'slb.network.type': 'outter',
      'slb.directip': DEMO_OUTER_IPS[0],
      'slb.directport': '80',
      'slb.vmid': gw,
      realnode: [{ 'realnode.ip': '10.20.0.2', 'realnode.port': '8080', 'realnode.vmid': vm, 'realnode.weight': '5' }],
      ...extra,
    });
    return { gw, vm, id: env.data['slb.id'] as string };
  }

  it('adds an SLB with the slb_<router id> id and lists it with lower-case protocol and defaults', async () => {
    const { gw, id } = await slb();
    expect(id).toBe(`slb_${gw}`);
    const list = await h.ok('POST', 'cloudslb/search', { 'slb.protocal.type': 'http' });
    expect(list.dataCount).toBe(1);
    expect(list.data[0]).toEqual({
      'slb.id': id,
      'slb.name': 'web-lb',
      'slb.desc': '',
      'slb.createtime': '2024-05-01 10:00:06',
      'slb.appid': DEMO_TENANT.id,
      'slb.vmid': gw,
      'slb.protocal.type': 'http',
      'slb.network.type': 'outter',
      'slb.directip': DEMO_OUTER_IPS[0],
      'slb.directip.self': 'true',
      'slb.directport': '80',
      'slb.realport': '80',
      'slb.enable': 'true',
      'slb.http.urlpath': '/',
      'slb.https.cert.enable': 'false',
      'slb.policy.type': 'rr',
      'slb.health.retrytime': '3',
      'slb.health.check.interval': '5',
      'slb.health.check.timeout': '5',
      'slb.health.emptylink.timeout': '60',
      'slb.health.check.path': '/',
      'slb.maxoccurs': '1000',
    });
    const second = await h.ok('POST', 'cloudslb/add', {
      'slb.name': 'inner-lb',
      'slb.appid': DEMO_TENANT.id,
      'slb.protocal.type': 'tcp',
      'slb.network.type': 'inner',
      'slb.directip': '10.20.0.200',
      'slb.directport': '3306',
      'slb.vmid': gw,
    });
    expect(second.data['slb.id']).toBe(`slb_${gw}_2`);
    const byName = await h.ok('POST', 'cloudslb/search', {
      'search.orderby': 'name',
      'page.startnum': '1',
      'page.everypagenum': '1',
    });
    expect(byName).toMatchObject({ dataCount: 2, data: [expect.objectContaining({ 'slb.name': 'inner-lb' })] });
  });

  it('refuses bad SLB parameters and a frontend IP already taken', async () => {
    const { gw } = await slb();
    const add = (p: Record<string, unknown>) =>
      h.call('POST', 'cloudslb/add', {
        'slb.name': 'x',
        'slb.appid': DEMO_TENANT.id,
        'slb.protocal.type': 'TCP',
        'slb.network.type': 'outter',
        'slb.directip': DEMO_OUTER_IPS[1],
        'slb.directport': '80',
        'slb.vmid': gw,
        ...p,
      });
    expectRefusal(await add({ 'slb.directip': DEMO_OUTER_IPS[0] }), /already in use/);
    expectRefusal(await add({ 'slb.directport': '49' }), /between 50 and 65535/);
    expectRefusal(await add({ 'slb.maxoccurs': '5' }), /between 10 and 10000/);
    expectRefusal(await add({ 'slb.protocal.type': 'HTTPS' }), /PEM certificate/);
    expectRefusal(await add({ 'slb.vmid': 'nope' }), /Cloud router nope does not exist/);
    expectRefusal(await add({ 'slb.appid': DEMO_OTHER_TENANT.id }), /tenant of the token/);
    expectRefusal(await add({ realnode: [{ 'realnode.ip': '10.20.0.2' }] }), /realnode\.0 is invalid/);
    expectRefusal(await add({ realnode: 'nodes' }), /JSON array/);
  });

  it('modifies, disables, enables and deletes an SLB with empty data answers', async () => {
    const { id } = await slb();
    expect(
      await h.ok('PUT', 'cloudslb/modify', { 'slb.id': id, 'slb.name': 'renamed', 'slb.policy.type': 'wlc' }),
    ).toEqual({
      result: '0',
      data: '',
    });
    expect(await h.ok('POST', 'cloudslb/stop', { 'slb.id': id })).toEqual({ result: '0', data: '' });
    let rec = (await h.ok('POST', 'cloudslb/search', { 'slb.id': id })).data[0];
    expect(rec).toMatchObject({ 'slb.name': 'renamed', 'slb.policy.type': 'wlc', 'slb.enable': 'false' });
    expect((await h.ok('POST', 'cloudslb/search', { 'slb.enable': 'true' })).dataCount).toBe(0);
    await h.ok('POST', 'cloudslb/start', { 'slb.id': id });
    rec = (await h.ok('POST', 'cloudslb/search', { 'slb.id': id })).data[0];
    expect(rec['slb.enable']).toBe('true');
    expectRefusal(
      await h.call('PUT', 'cloudslb/modify', { 'slb.id': id, 'slb.health.retrytime': '1' }),
      /between 2 and 10/,
    );
    expect(await h.ok('DELETE', `cloudslb/${id}`)).toEqual({ result: '0', data: '' });
    expect((await h.ok('POST', 'cloudslb/realnode/search', {})).dataCount).toBe(0);
    expectRefusal(await h.call('DELETE', `cloudslb/${id}`), /does not exist/);
  });

  it('configures an HTTPS certificate on an HTTPS SLB and never returns it', async () => {
    const { id } = await slb({ 'slb.protocal.type': 'HTTPS', 'slb.https.cert.text': CERT, 'slb.https.cert.key': KEY });
    expect(
      await h.ok('PUT', 'cloudslb/https/cert/conf', {
        'slb.id': id,
        'slb.https.cert.text': CERT,
        'slb.https.cert.key': KEY,
      }),
    ).toEqual({
      result: '0',
      data: '',
    });
    const found = await h.call('POST', 'cloudslb/search', { 'slb.id': id });
    expect(found.env.data[0]['slb.https.cert.enable']).toBe('true');
    expect(JSON.stringify(found.env)).not.toContain('PRIVATE KEY');
    expectRefusal(
      await h.call('PUT', 'cloudslb/https/cert/conf', {
        'slb.id': id,
        'slb.https.cert.text': '----BEGIN CERTIFICATE ----',
        'slb.https.cert.key': KEY,
      }),
      /PEM certificate/,
    );
  });

  it('adds, finds, modifies and deletes backend nodes', async () => {
    const { id, vm } = await slb();
    const nodes = await h.ok('POST', 'cloudslb/realnode/search', {});
    expect(nodes.data).toEqual([
      {
        'realnode.id': expect.any(String),
        'realnode.name': '10.20.0.2:8080',
        'realnode.desc': '',
        'realnode.createtime': '2024-05-01 10:00:06',
        'realnode.slbid': id,
        'realnode.enable': 'true',
        'realnode.ip': '10.20.0.2',
        'realnode.port': '8080',
        'realnode.vmid': vm,
        'realnode.weight': '5',
      },
    ]);
    const added = await h.ok('POST', 'cloudslb/realnode/add', {
      'realnode.slbid': id,
      'realnode.name': 'second',
      'realnode.ip': '10.20.0.2',
      'realnode.port': '8081',
      'realnode.vmid': vm,
    });
    const nodeId = added.data['realnode.id'];
    expect(await h.ok('PUT', 'cloudslb/realnode/modify', { 'realnode.id': nodeId, 'realnode.weight': '9' })).toEqual({
      result: '0',
      data: '',
    });
    const found = await h.ok('POST', 'cloudslb/realnode/search', { 'realnode.port': '8081' });
    expect(found.data[0]).toMatchObject({ 'realnode.name': 'second', 'realnode.weight': '9' });
    expectRefusal(
      await h.call('PUT', 'cloudslb/realnode/modify', { 'realnode.id': nodeId, 'realnode.weight': '11' }),
      /between 1 and 10/,
    );
    expectRefusal(
      await h.call('POST', 'cloudslb/realnode/add', {
        'realnode.slbid': 'slb_x',
        'realnode.ip': '1.1.1.1',
        'realnode.port': '1',
        'realnode.vmid': vm,
      }),
      /SLB slb_x/,
    );
    expect(await h.ok('DELETE', `cloudslb/realnode/${nodeId}`)).toEqual({ result: '0', data: '' });
    expect((await h.ok('POST', 'cloudslb/realnode/search', {})).dataCount).toBe(1);
  });
});

describe('hosts, alarms and storage (#78–#80)', () => {
  it('lists physical hosts with their documented keys, filtered by id or registration address', async () => {
    const all = await h.ok('POST', 'cloudhost/search', {});
    expect(all.dataCount).toBe(DEMO_HOSTS.length);
    expect(all.data[0]).toEqual({
      'host.id': DEMO_HOSTS[0].id,
      'host.name': DEMO_HOSTS[0].name,
      'host.desc': expect.any(String),
      'host.state': '1',
      'host.isconnected': 'true',
      'host.createtime': '2024-05-01 10:00:00',
      'host.register.address': DEMO_HOSTS[0].address,
      'host.authentication': '1',
      'host.ismending': 'false',
      'host.os.product': expect.any(String),
      'host.os.bit': '64',
      'host.os.versoin': expect.any(String),
      'host.virt.versoin': expect.any(String),
      'host.cpu.vendor': expect.any(String),
      'host.cpu.num': '64',
      'host.cpus': '2',
      'host.mem.size': '512',
    });
    expect((await h.ok('POST', 'cloudhost/search', { 'host.ip': DEMO_HOSTS[2].address })).data[0]['host.state']).toBe(
      '2',
    );
    expect((await h.ok('POST', 'cloudhost/search', { 'host.id': 'nope' })).dataCount).toBe(0);
  });

  it('pages alarms, or answers all with isfindPage, filtered by level and time', async () => {
    expectRefusal(await h.call('POST', 'cloudalarm/search', {}), /required unless isfindPage/);
    const all = await h.ok('POST', 'cloudalarm/search', { isfindPage: true });
    expect(all.dataCount).toBe(3);
    expect(Object.keys(all.data[0]).sort()).toEqual(
      [
        'alarm.id',
        'alarm.type',
        'alarm.level',
        'alarm.objid',
        'alarm.objname',
        'alarm.obj.type',
        'alarm.content',
        'alarm.create.time',
        'alarm.relieve.time',
        'alarm.relieve.way',
      ].sort(),
    );
    expect(all.data[0]).toMatchObject({ 'alarm.level': 'high', 'alarm.relieve.time': '', 'alarm.relieve.way': 'none' });
    const page = await h.ok('POST', 'cloudalarm/search', {
      'alarm.level': 'medium',
      'page.startnum': '1',
      'page.everypagenum': '10',
    });
    expect(page.data.map((a: any) => a['alarm.level'])).toEqual(['medium']);
    const recent = await h.ok('POST', 'cloudalarm/search', {
      isfindPage: 'true',
      'alarm.starttime': '2024-05-01 07:30:00',
    });
    expect(recent.dataCount).toBe(2);
    expectRefusal(
      await h.call('POST', 'cloudalarm/search', { isfindPage: true, 'alarm.starttime': '2024/05/01' }),
      /2010-02-03 13:33:33/,
    );
  });

  it('lists storage pools', async () => {
    const env = await h.ok('POST', 'cloudstorage/search', { 'page.startnum': '1', 'page.everypagenum': '2' });
    expect(env.dataCount).toBe(DEMO_STORAGES.length);
    expect(env.data).toHaveLength(2);
    expect(env.data[1]).toMatchObject({
      'storage.id': 'st-ceph-01',
      'storage.type': 'CEPH',
      'storage.thin': 'true',
      'storage.use.type': 'main',
      'storage.file.type': 'network',
      'storage.io.auth': 'rw',
      'storage.ceph.monitorip': '10.0.1.21,10.0.1.22,10.0.1.23',
    });
  });
});

describe('security groups (#81–#92)', () => {
  const sgRecordKeys = [
    'securitygroup.id',
    'securitygroup.name',
    'securitygroup.desc',
    'securitygroup.appid',
    'securitygroup.appname',
    'securitygroup.createtime',
  ];

  it('creates, searches and deletes a group', async () => {
    const env = await h.ok('POST', 'cloudsegroup/create', {
      'securitygroup.name': 'web',
      ' securitygroup.desc': 'http',
    });
    const id = env.data['securitygroup.id'];
    const list = await h.ok('POST', 'cloudsegroup/search', { 'securitygroup.name': 'WE' });
    expect(list.dataCount).toBe(1);
    expect(Object.keys(list.data[0]).sort()).toEqual([...sgRecordKeys].sort());
    expect(list.data[0]).toMatchObject({
      'securitygroup.appid': DEMO_TENANT.id,
      'securitygroup.appname': 'demo',
      'securitygroup.desc': 'http',
    });
    expect((await h.ok('POST', 'cloudsegroup/search', {})).dataCount).toBe(2);
    expect((await h.ok('POST', 'cloudsegroup/search', {}, DEMO_OTHER_TENANT.token)).dataCount).toBe(0);
    expect(await h.ok('DELETE', `cloudsegroup/${id}`)).toEqual({ result: '0', data: '' });
    expectRefusal(await h.call('DELETE', `cloudsegroup/${id}`), /does not exist/);
    expectRefusal(
      await h.call('POST', 'cloudsegroup/create', { 'securitygroup.name': 'x', 'securitygroup.appid': 'app-other' }),
      /tenant of the token/,
    );
  });

  it('binds NICs (comma-separated ids), lists and unbinds them; a bound group cannot be deleted', async () => {
    const a = await runningVm(h, 'a');
    const b = await runningVm(h, 'b');
    const nic = async (vm: string) =>
      (await h.ok('POST', 'cloudvm/vnic/search', { 'vnic.vmid': vm })).data[0]['vnic.id'];
    const [na, nb] = [await nic(a), await nic(b)];
    const sg = DEMO_SECURITY_GROUP.id;
    expect(await h.ok('POST', 'cloudsegroup/vnic/bind', { 'securitygroup.id': sg, 'vnic.id': `${na},${nb}` })).toEqual({
      result: '0',
      data: '',
    });
    expectRefusal(
      await h.call('POST', 'cloudsegroup/vnic/bind', { 'securitygroup.id': sg, 'vnic.id': na }),
      /already in/,
    );
    const bound = await h.ok('POST', 'cloudsegroup/vnic/search', { 'securitygroup.id': sg });
    expect(bound.data.map((n: any) => n['vnic.id'])).toEqual([na, nb]);
    expect(Object.keys(bound.data[0])).toContain('vnic.vpc.name');
    expectRefusal(await h.call('DELETE', `cloudsegroup/${sg}`), /still has 2 bound NICs/);
    await h.ok('POST', 'cloudsegroup/vnic/unbind', { 'securitygroup.id': sg, 'vnic.id': na });
    expectRefusal(
      await h.call('POST', 'cloudsegroup/vnic/unbind', { 'securitygroup.id': sg, 'vnic.id': na }),
      /is not in/,
    );
    expectRefusal(
      await h.call('POST', 'cloudsegroup/vnic/bind', { 'securitygroup.id': sg, 'vnic.id': 'n-x' }),
      /NIC n-x does not exist/,
    );
    expectRefusal(await h.call('POST', 'cloudsegroup/vnic/search', {}), /securitygroup\.id is required/);
  });

  it('adds rules (dotted aclrule.id), searches them underscored, and deletes them', async () => {
    const sg = DEMO_SECURITY_GROUP.id;
    const add = await h.ok('POST', 'cloudsegroup/rule/add', {
      'aclrule.securitygroupid': sg,
      'aclrule.direction': 'in',
      'aclrule.protocal': 'TCP',
      'aclrule.vmport': '22',
      'aclrule.srcip': '10.0.0.0/8',
    });
    expect(add.data).toEqual({ 'aclrule.id': expect.any(String) });
    const found = await h.ok('POST', 'cloudsegroup/rule/search', {
      'aclrule.securitygroupid': `${sg}`,
      'aclrule.protocal': 'tcp',
    });
    expect(found.data).toEqual([
      {
        aclrule_id: add.data['aclrule.id'],
        aclrule_srcip: '10.0.0.0/8',
        aclrule_target: '',
        aclrule_direction: 'in',
        aclrule_vmport: '22',
        aclrule_protocal: 'tcp',
        aclrule_securitygroupid: sg,
      },
    ]);
    expectRefusal(await h.call('POST', 'cloudsegroup/rule/search', {}), /aclrule\.securitygroupid is required/);
    expectRefusal(
      await h.call('POST', 'cloudsegroup/rule/search', { 'aclrule.securitygroupid': `${sg},nope` }),
      /nope does not exist/,
    );
    expectRefusal(
      await h.call('POST', 'cloudsegroup/rule/add', { 'aclrule.securitygroupid': sg }),
      /aclrule\.direction is required/,
    );
    expectRefusal(
      await h.call('POST', 'cloudsegroup/rule/add', {
        'aclrule.securitygroupid': sg,
        'aclrule.direction': 'in',
        'aclrule.vmport': 'ssh',
      }),
      /80:83,85/,
    );
    expect(await h.ok('DELETE', `cloudsegroup/rule/${add.data['aclrule.id']}`)).toEqual({ result: '0', data: '' });
    expectRefusal(await h.call('DELETE', `cloudsegroup/rule/${add.data['aclrule.id']}`), /does not exist/);
  });

  it('keeps a rule pending on a stopped VM until a retry finds it running', async () => {
    const vm = await runningVm(h, 'pending');
    const sg = DEMO_SECURITY_GROUP.id;
    const nicId = (await h.ok('POST', 'cloudvm/vnic/search', { 'vnic.vmid': vm })).data[0]['vnic.id'];
    await h.ok('POST', 'cloudsegroup/vnic/bind', { 'securitygroup.id': sg, 'vnic.id': nicId });
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': vm });
    h.advance(DELAYS.stopMs);
    const rule = (
      await h.ok('POST', 'cloudsegroup/rule/add', { 'aclrule.securitygroupid': sg, 'aclrule.direction': 'out' })
    ).data['aclrule.id'];
    const onVm = await h.ok('POST', 'cloudsegroup/rule/vm', { 'vm.id': vm });
    expect(onVm.data).toEqual([
      expect.objectContaining({ aclrule_id: rule, aclrule_securitygroupname: 'default', aclrule_status: 'false' }),
    ]);
    const pending = await h.ok('POST', 'cloudsegroup/retryrule/search', { 'vm.id': vm });
    expect(pending.data).toEqual([
      { 'issue.id': expect.any(String), 'aclrule.id': rule, 'vm.id': vm, 'retry.num': '0' },
    ]);
    expect(await h.ok('PUT', 'cloudsegroup/retryrule/reset', {})).toEqual({ result: '0', data: '' });
    expect((await h.ok('POST', 'cloudsegroup/retryrule/search', {})).data[0]['retry.num']).toBe('1');
    await h.ok('PUT', 'cloudvm/start', { 'vm.id': vm });
    h.advance(DELAYS.startMs);
    await h.ok('PUT', 'cloudsegroup/retryrule/reset');
    expect((await h.ok('POST', 'cloudsegroup/retryrule/search', {})).dataCount).toBe(0);
    expect((await h.ok('POST', 'cloudsegroup/rule/vm', { 'vm.id': vm })).data[0].aclrule_status).toBe('true');
    expectRefusal(await h.call('POST', 'cloudsegroup/rule/vm', {}), /vm\.id is required/);
  });
});
