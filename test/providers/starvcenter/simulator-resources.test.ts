import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_MODELS,
  DEMO_MODEL_TYPES,
  DEMO_NETWORKS,
  DEMO_OTHER_TENANT,
  DEMO_OUTER_IPS,
  DEMO_STORAGES,
} from '../../../src/providers/starvcenter/simulator.ts';
import { DELAYS, type Harness, createVm, expectRefusal, runningVm, startHarness } from './simulator-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('model dictionary (#18 #20 #21)', () => {
  it('lists types with their models under the documented vm.tenant.mode key', async () => {
    const env = await h.ok('GET', 'cloudvm/model');
    expect(env.data.map((t: any) => t['vm.tenant.type'])).toEqual(DEMO_MODEL_TYPES.map((t) => t.code));
    const system = env.data.find((t: any) => t['vm.tenant.type'] === 'tenant_system_model');
    expect(system['vm.tenant.typename']).toBe('Operating system');
    expect(system.model).toContainEqual({ 'vm.tenant.mode': 'centos-7-9', 'vm.tenant.modelname': 'CENTOS_7_9' });
    const codes = env.data.flatMap((t: any) => t.model.map((m: any) => m['vm.tenant.mode']));
    expect(codes.sort()).toEqual(DEMO_MODELS.map((m) => m.code).sort());
  });

  it('adds a type and a model that a create can then use, and deletes them', async () => {
    const type = await h.ok('POST', 'cloudvm/addVhostModelAndType', {
      type: 'tenant_type',
      label: 'Message queue',
      value: 'tenant_mq_model',
      description: 'VM type',
    });
    expect(type.data).toEqual([{ id: expect.any(String) }]);
    const model = await h.ok('POST', 'cloudvm/addVhostModelAndType', {
      type: 'tenant_mq_model',
      label: 'RABBITMQ_3_12',
      value: 'rabbitmq-3-12',
    });
    const listed = (await h.ok('GET', 'cloudvm/model')).data.find(
      (t: any) => t['vm.tenant.type'] === 'tenant_mq_model',
    );
    expect(listed.model).toEqual([{ 'vm.tenant.mode': 'rabbitmq-3-12', 'vm.tenant.modelname': 'RABBITMQ_3_12' }]);
    const vm = await createVm(h, 'mq', { 'vm.tenant.model': 'rabbitmq-3-12' });
    expect((await h.ok('GET', `cloudvm/${vm}`)).data['vm.tenant.type']).toBe('tenant_mq_model');
    expectRefusal(await h.call('DELETE', `cloudvm/delVhostModelAndType/${type.data[0].id}`), /still has models/);
    expect(await h.ok('DELETE', `cloudvm/delVhostModelAndType/${model.data[0].id}`)).toEqual({ result: '0', data: {} });
    await h.ok('DELETE', `cloudvm/delVhostModelAndType/${type.data[0].id}`);
    expectRefusal(await h.call('DELETE', `cloudvm/delVhostModelAndType/${type.data[0].id}`), /does not exist/);
  });

  it('refuses an entry of an unknown dictionary type, a duplicate, or one missing a field', async () => {
    const add = (p: Record<string, unknown>) => h.call('POST', 'cloudvm/addVhostModelAndType', p);
    expectRefusal(await add({ type: 'tenant_nope', label: 'X', value: 'x' }), /neither tenant_type/);
    expectRefusal(await add({ type: 'tenant_app_model', label: 'K8S', value: 'k8s-1-16-8' }), /already exists/);
    expectRefusal(await add({ type: 'tenant_db_model', label: 'K8S', value: 'k8s-1-16-8' }), /already exists/);
    expectRefusal(await add({ type: 'tenant_type', label: 'X' }), /Parameter value is required/);
  });
});

describe('private networks (#22–#25, #33)', () => {
  it('creates a network with a platform-chosen /24, modifies, lists and deletes it (delete is a POST)', async () => {
    const created = await h.ok('POST', 'cloudnetwork/vpc/create', { 'vpc.name': '网络-a', ' vpc.desc': 'app tier' });
    expect(created.data).toEqual({
      'vpc.id': expect.stringMatching(/^[0-9a-f]{32}$/),
      'vpc.name': '网络-a',
      'vpc.cidr': '192.168.100.0/24',
      'vpc.gateway': '192.168.100.1',
    });
    const id = created.data['vpc.id'];
    expect(await h.ok('PUT', 'cloudnetwork/vpc/modify', { 'vpc.id': id, 'vpc.name': 'net-b' })).toEqual({
      result: '0',
      data: '',
    });
    const list = await h.ok('POST', 'cloudnetwork/vpc/search', {});
    expect(list.dataCount).toBe(3);
    expect(list.data.find((n: any) => n['vpc.id'] === id)).toEqual({
      'vpc.id': id,
      'vpc.name': 'net-b',
      'vpc.cidr': '192.168.100.0/24',
      'vpc.gateway': '192.168.100.1',
      'vpc.usable.ipcount': '253',
      'vpc.desc': 'app tier',
      'vpc.createtime': '2024-05-01 10:00:00',
    });
    const page = await h.ok('POST', 'cloudnetwork/vpc/search', { 'page.startnum': '2', 'page.everypagenum': '2' });
    expect(page).toMatchObject({ dataCount: 3, data: [expect.objectContaining({ 'vpc.id': id })] });
    expect(await h.ok('POST', 'cloudnetwork/vpc/delete', { 'vpc.id': id })).toEqual({ result: '0', data: '' });
    expectRefusal(await h.call('POST', 'cloudnetwork/vpc/delete', { 'vpc.id': id }), /does not exist/);
    expect((await h.call('DELETE', `cloudnetwork/vpc/${id}`)).status).toBe(404);
  });

  it('counts free addresses, refuses deleting a network in use, and refuses beyond the network quota', async () => {
    const before = (await h.ok('POST', 'cloudnetwork/vpc/search', {})).data[1]['vpc.usable.ipcount'];
    const vm = await createVm(h, 'user', { 'vnic.portgroupid': DEMO_NETWORKS[1]!.id });
    const after = (await h.ok('POST', 'cloudnetwork/vpc/search', {})).data[1]['vpc.usable.ipcount'];
    expect(Number(before) - Number(after)).toBe(1);
    expectRefusal(
      await h.call('POST', 'cloudnetwork/vpc/delete', { 'vpc.id': DEMO_NETWORKS[1]!.id }),
      /still has 1 NICs/,
    );
    await h.ok('DELETE', `cloudvm/${vm}`);
    h.advance(DELAYS.deleteMs);
    await h.ok('POST', 'cloudnetwork/vpc/delete', { 'vpc.id': DEMO_NETWORKS[1]!.id });
    await h.ok('POST', 'cloudnetwork/vpc/create', {}, DEMO_OTHER_TENANT.token);
    expectRefusal(
      await h.call('POST', 'cloudnetwork/vpc/create', {}, { token: DEMO_OTHER_TENANT.token }),
      /Quota exceeded for private networks/,
    );
  });

  it('switches the subnet edge firewall', async () => {
    const env = await h.ok('POST', 'cloudnetwork/netgate', { 'portgroup.id': DEMO_NETWORKS[0]!.id, type: 'open' });
    expect(env).toEqual({ result: '0', data: '' });
    expectRefusal(
      await h.call('POST', 'cloudnetwork/netgate', { 'portgroup.id': DEMO_NETWORKS[0]!.id, type: 'on' }),
      /open, close/,
    );
    expectRefusal(await h.call('POST', 'cloudnetwork/netgate', { type: 'open' }), /portgroup\.id is required/);
  });
});

describe('address mappings (#26–#29, #62, #66)', () => {
  it('maps a VM onto the shared network, lists and deletes the mapping', async () => {
    const vm = await runningVm(h, 'shared');
    const env = await h.ok('POST', 'cloudnetwork/sharenet/connect', { 'vm.id': vm, 'vm.allow.srcip': '10.0.0.0/8' });
    expect(env.data).toEqual({ 'tenant.shareip': '172.16.0.10' });
    expectRefusal(await h.call('POST', 'cloudnetwork/sharenet/connect', { 'vm.id': vm }), /already has an IP mapping/);
    expectRefusal(await h.call('POST', 'cloudnetwork/sharenet/search', {}), /page\.startnum is required/);
    const list = await h.ok('POST', 'cloudnetwork/sharenet/search', {
      'vm.name': 'SHARE',
      'page.startnum': '1',
      'page.everypagenum': '10',
    });
    expect(list).toEqual({
      result: '0',
      data: [{ 'nat.id': expect.any(String), 'vm.id': vm, 'vm.name': 'shared', 'tenant.shareip': '172.16.0.10' }],
      dataCount: 1,
    });
    const natId = list.data[0]['nat.id'];
    expect(await h.ok('DELETE', `cloudnetwork/ipmapping/${natId}`)).toEqual({ result: '0', data: {} });
    expectRefusal(await h.call('DELETE', `cloudnetwork/ipmapping/${natId}`), /does not exist/);
  });

  it('creates port mappings on a pool IP, shows them in the router NAT list and the IP pool', async () => {
    const vm = await runningVm(h, 'web');
    const ip = (await h.ok('GET', `cloudvm/${vm}`)).data['vm.ip'];
    const outer = DEMO_OUTER_IPS[0]!;
    const map = (outerPort: string, protocal = 'tcp') =>
      h.call('POST', 'cloudnetwork/portMapping/create', {
        innerIp: ip,
        innerPort: '80',
        ipaddress: outer,
        outerPort,
        protocal,
      });
    const first = await map('8080');
    expect(first.env).toEqual({ result: '0', data: { 'nat.id': expect.any(String) } });
    await map('8443', 'TCP');
    expectRefusal(await map('8080'), /already mapped/);
    await map('8080', 'udp');
    const nat = await h.ok('POST', 'vroute/Mapping/search', { natType: 'port', natOuterport: '8080' });
    expect(nat.dataCount).toBe(2);
    expect(Object.keys(nat.data[0]).sort()).toEqual(
      [
        'nat_outerport',
        'nat_id',
        'nat_protocal',
        'nat_usedtime',
        'nat_innerport',
        'nat_innerip',
        'net_vmid',
        'net_vmname',
        'nat_type',
        'nat_vnetid',
        'nat_outerip',
        'nat_vrouteid',
        'nat_desc',
        'nat_srcip',
      ].sort(),
    );
    expect(nat.data[0]).toMatchObject({ net_vmid: vm, net_vmname: 'web', nat_innerip: ip, nat_outerip: outer });
    const pool = await h.ok('POST', 'cloudip/mapping/outerIp/search', { 'ipaddress.only': outer });
    expect(pool.data).toEqual([
      { ipaddress: outer, ports: '8080,8443', gateway: '203.0.113.1', netmask: '255.255.255.0' },
    ]);
    const forIp = await h.ok('POST', 'cloudip/mapping/outerIp/search', {
      'nat.type': 'ip',
      'page.startnum': '1',
      'page.everypagenum': '5',
    });
    expect(forIp.dataCount).toBe(DEMO_OUTER_IPS.length - 1);
    expect(forIp.data[0]).not.toHaveProperty('ports');
    expect(
      (await h.ok('POST', 'cloudip/mapping/outerIp/search', { 'inner.ip': ip })).data.map((r: any) => r.ipaddress),
    ).toEqual([outer]);
    expect((await h.ok('POST', 'cloudip/mapping/outerIp/search', {}, DEMO_OTHER_TENANT.token)).dataCount).toBe(
      DEMO_OUTER_IPS.length - 1,
    );
  });

  it('refuses port mappings of unknown inner or outer addresses', async () => {
    const base = {
      innerIp: '10.20.9.9',
      innerPort: '80',
      ipaddress: DEMO_OUTER_IPS[1],
      outerPort: '80',
      protocal: 'tcp',
    };
    expectRefusal(await h.call('POST', 'cloudnetwork/portMapping/create', base), /No VM of the tenant has the address/);
    const vm = await runningVm(h, 'x');
    const ip = (await h.ok('GET', `cloudvm/${vm}`)).data['vm.ip'];
    expectRefusal(
      await h.call('POST', 'cloudnetwork/portMapping/create', { ...base, innerIp: ip, ipaddress: '198.51.100.1' }),
      /not in the IP pool/,
    );
    expectRefusal(
      await h.call('POST', 'cloudnetwork/portMapping/create', { ...base, innerIp: ip, protocal: 'icmp' }),
      /tcp, udp/,
    );
    expectRefusal(await h.call('POST', 'cloudnetwork/portMapping/create', { ...base, innerIp: 'not-ip' }), /IPv4/);
  });
});

describe('access-control rules (#30–#32)', () => {
  it('adds with dotted keys, lists with underscored keys, deletes', async () => {
    const vm = await runningVm(h, 'acl-vm');
    const ip = (await h.ok('GET', `cloudvm/${vm}`)).data['vm.ip'];
    const added = await h.ok('POST', 'cloudnetwork/acessrule/add', {
      'vm.ip': ip,
      'aclrule.type': 'net_inner',
      'allow.direction': 'in',
      'allow.sourceips': '10.0.0.0/8',
      'allow.internalport': '80:83,443',
      'allow.protocol': 'tcp',
    });
    expect(added.data).toEqual({ 'rule.id': expect.any(String) });
    expectRefusal(await h.call('POST', 'cloudnetwork/acessrule/search', {}), /page\.startnum is required/);
    const list = await h.ok('POST', 'cloudnetwork/acessrule/search', {
      aclrule_vmport: '80:83,443',
      'page.startnum': '1',
      'page.everypagenum': '10',
    });
    expect(list.data).toEqual([
      {
        aclrule_id: added.data['rule.id'],
        aclrule_type: 'net_inner',
        aclrule_vrouteid: '',
        aclrule_vnetid: DEMO_NETWORKS[0]!.id,
        aclrule_target: ip,
        vmname: 'acl-vm',
        aclrule_srcip: '10.0.0.0/8',
        aclrule_vmport: '80:83,443',
        aclrule_protocal: 'tcp',
        aclrule_appname: 'demo',
        aclrule_appid: 'app-demo',
      },
    ]);
    expect(await h.ok('DELETE', `cloudnetwork/acessrule/${added.data['rule.id']}`)).toEqual({ result: '0', data: '' });
    expectRefusal(await h.call('DELETE', `cloudnetwork/acessrule/${added.data['rule.id']}`), /does not exist/);
  });

  it('refuses rules that miss a direction, a protocol with ports, or a well-formed port list', async () => {
    const vm = await runningVm(h, 'acl');
    const ip = (await h.ok('GET', `cloudvm/${vm}`)).data['vm.ip'];
    const add = (p: Record<string, unknown>) => h.call('POST', 'cloudnetwork/acessrule/add', { 'vm.ip': ip, ...p });
    expectRefusal(await add({ 'aclrule.type': 'net_inner' }), /allow\.direction is required/);
    expectRefusal(await add({ 'aclrule.type': 'net_gate', 'allow.internalport': '22' }), /allow\.protocol is required/);
    expectRefusal(
      await add({ 'aclrule.type': 'net_gate', 'allow.internalport': '90:80', 'allow.protocol': 'tcp' }),
      /80:83,85/,
    );
    expectRefusal(
      await add({ 'aclrule.type': 'net_inner', 'allow.direction': 'in', 'allow.dstips': '1.2.3.4' }),
      /dstips must be vm\.ip/,
    );
    expectRefusal(await add({ 'aclrule.type': 'edge' }), /net_gate, net_inner/);
  });
});

describe('disks (#34–#38) and NICs (#39 #40)', () => {
  it('adds, extends and deletes a data disk, each change showing when its job ends', async () => {
    const vm = await runningVm(h, 'disks', { 'vm.vdisk.num': '1', 'vm.vdisk.size': '50' });
    const list = async () => (await h.ok('POST', 'cloudvm/vdisk/search', { 'vdisk.vmid': vm })).data;
    expect((await list()).map((d: any) => [d['vdisk.devname'], d['vdisk.size']])).toEqual([
      ['vda', '40'],
      ['vdb', '50'],
    ]);
    expect(Object.keys((await list())[0]).sort()).toEqual(
      ['vdisk.id', 'vdisk.name', 'vdisk.devname', 'vdisk.desc', 'vdisk.createtime', 'vdisk.vmid', 'vdisk.size'].sort(),
    );
    const added = await h.ok('POST', 'cloudvm/vdisk/add', {
      'vdisk.vmid': vm,
      'vdisk.size': '100',
      'vdisk.desc': 'data',
    });
    expect(added).toEqual({
      result: '0',
      data: { 'vdisk.id': expect.any(String), 'vdisk.devname': 'vdc' },
      startid: expect.any(String),
    });
    expect(await list()).toHaveLength(2);
    h.advance(DELAYS.jobMs);
    expect(await list()).toHaveLength(3);
    const diskId = added.data['vdisk.id'];
    expectRefusal(
      await h.call('PUT', 'cloudvm/vdisk/extend', { 'vdisk.id': diskId, 'vdisk.size': '100' }),
      /can only grow/,
    );
    const ext = await h.ok('PUT', 'cloudvm/vdisk/extend', { 'vdisk.id': diskId, 'vdisk.size': '200' });
    expect(Object.keys(ext).sort()).toEqual(['result', 'startid']);
    expectRefusal(await h.call('DELETE', `cloudvm/vdisk/${diskId}`), /busy/);
    h.advance(DELAYS.jobMs);
    expect((await list()).find((d: any) => d['vdisk.id'] === diskId)['vdisk.size']).toBe('200');
    const del = await h.ok('DELETE', `cloudvm/vdisk/${diskId}`);
    expect(Object.keys(del).sort()).toEqual(['result', 'startid']);
    h.advance(DELAYS.jobMs);
    expect(await list()).toHaveLength(2);
    const vda = (await list())[0]['vdisk.id'];
    expectRefusal(await h.call('DELETE', `cloudvm/vdisk/${vda}`), /system disk/);
    expectRefusal(await h.call('POST', 'cloudvm/vdisk/search', {}), /vdisk\.vmid is required/);
  });

  it('creates a blank PVC disk on Ceph and returns its Ceph details', async () => {
    const ceph = DEMO_STORAGES.find((s) => s.type === 'CEPH')!;
    const env = await h.ok('POST', 'cloudvm/vdisk/create/pv', {
      'vdisk.name': 'pvc-1',
      'vdisk.size': '20',
      'vdisk.storageid': ceph.id,
      'vdisk.use.type': 'volume',
    });
    expect(env.data).toEqual([
      {
        'ceph.key': expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
        'ceph.poolname': 'cloudvm',
        'ceph.monitor': '10.0.1.21,10.0.1.22,10.0.1.23',
        'vdisk.id': expect.any(String),
      },
    ]);
    const nfs = DEMO_STORAGES.find((s) => s.type === 'NFS')!;
    expectRefusal(
      await h.call('POST', 'cloudvm/vdisk/create/pv', {
        'vdisk.name': 'v',
        'vdisk.size': '1',
        'vdisk.storageid': nfs.id,
        'vdisk.use.type': 'volume',
      }),
      /needs Ceph/,
    );
    expectRefusal(
      await h.call('POST', 'cloudvm/vdisk/create/pv', {
        'vdisk.name': 'v',
        'vdisk.size': '1',
        'vdisk.storageid': 'st-x',
      }),
      /does not exist/,
    );
  });

  it('lists the NICs of a VM and adds one on another network', async () => {
    const vm = await runningVm(h, 'nics');
    const nics = await h.ok('POST', 'cloudvm/vnic/search', { 'vnic.vmid': vm });
    expect(nics.data).toEqual([
      {
        'vnic.id': expect.any(String),
        'vnic.name': 'eth0',
        'vnic.desc': '',
        'vnic.createtime': '2024-05-01 10:00:00',
        'vnic.vmid': vm,
        'vnic.macaddress': expect.stringMatching(/^52:54:00(:[0-9a-f]{2}){3}$/),
        'vnic.ipaddress': '10.20.0.2',
        'vnic.vpc.id': DEMO_NETWORKS[0]!.id,
        'vnic.vpc.name': DEMO_NETWORKS[0]!.name,
      },
    ]);
    const added = await h.ok('POST', 'cloudvm/vnic/add', { 'vnic.vmid': vm, 'vnic.portgroupid': DEMO_NETWORKS[1]!.id });
    expect(added.data).toEqual({ 'vnic.id': expect.any(String) });
    const after = (await h.ok('POST', 'cloudvm/vnic/search', { 'vnic.vmid': vm })).data;
    expect(after.map((n: any) => [n['vnic.name'], n['vnic.ipaddress']])).toEqual([
      ['eth0', '10.20.0.2'],
      ['eth1', '192.168.20.2'],
    ]);
    expectRefusal(
      await h.call('POST', 'cloudvm/vnic/add', { 'vnic.vmid': vm, 'vnic.portgroupid': 'nope' }),
      /does not exist/,
    );
  });
});

describe.each(['backup', 'snapshot'] as const)('%s operations (#41–#50)', (kind) => {
  it(`creates a ${kind} (usable when its job ends), modifies, restores and deletes it`, async () => {
    const vm = await runningVm(h, `${kind}-vm`);
    const created = await h.ok('POST', `cloudvm/${kind}/create`, {
      [`${kind}.vmid`]: vm,
      [`${kind}.name`]: '夜间',
      [`${kind}.desc`]: 'before upgrade',
    });
    expect(created).toEqual({ result: '0', data: { [`${kind}.id`]: expect.any(String) }, startid: expect.any(String) });
    const id = created.data[`${kind}.id`];
    const list = async () => (await h.ok('GET', `cloudvm/${kind}/${vm}`)).data;
    expect(await list()).toEqual([
      {
        [`${kind}.id`]: id,
        [`${kind}.name`]: '夜间',
        [`${kind}.desc`]: 'before upgrade',
        [`${kind}.vmid`]: vm,
        [`${kind}.createtime`]: '2024-05-01 10:00:03',
        [`${kind}.enable`]: 'false',
      },
    ]);
    const lock = kind === 'backup' ? '3' : '5';
    expectRefusal(await h.call('PUT', 'cloudvm/destroy', { 'vm.id': vm }), new RegExp(`locked \\(${lock}`));
    expectRefusal(await h.call('DELETE', `cloudvm/${kind}/${id}`), /still being created/);
    expectRefusal(await h.call('PUT', `cloudvm/${kind}/restore`, { [`${kind}.id`]: id }), /not usable yet/);
    h.advance(DELAYS.jobMs);
    expect((await list())[0][`${kind}.enable`]).toBe('true');
    expect(await h.ok('PUT', `cloudvm/${kind}/modify`, { [`${kind}.id`]: id, [`${kind}.desc`]: 'kept' })).toEqual({
      result: '0',
      data: '',
    });
    expect((await list())[0][`${kind}.desc`]).toBe('kept');
    const restore = await h.ok('PUT', `cloudvm/${kind}/restore`, { [`${kind}.id`]: id });
    expect(Object.keys(restore).sort()).toEqual(['result', 'startid']);
    const restoring = kind === 'backup' ? '4' : '6';
    expectRefusal(await h.call('PUT', 'cloudvm/restart', { 'vm.id': vm }), new RegExp(`locked \\(${restoring}`));
    h.advance(DELAYS.jobMs);
    expect(await h.ok('DELETE', `cloudvm/${kind}/${id}`)).toEqual({ result: '0', data: '' });
    expect(await list()).toEqual([]);
    expectRefusal(
      await h.call('POST', `cloudvm/${kind}/create`, { [`${kind}.vmid`]: vm }),
      new RegExp(`${kind}\\.name is required`),
    );
  });
});

describe('monitoring (#51–#57)', () => {
  it('answers current CPU and memory of a running VM as strings, and "" while it is stopped', async () => {
    const vm = await runningVm(h, 'mon');
    const cur = await h.ok('POST', 'cloudmonitor/compute/current', { 'monitor.obj.type': 'vm', 'monitor.obj': vm });
    expect(cur.data).toEqual({
      'monitor.obj': vm,
      'monitor.createtime': '2024-05-01 10:00:00',
      'monitor.cpu.rate': expect.stringMatching(/^\d+$/),
      'monitor.mem.rate': expect.stringMatching(/^\d+$/),
      'monitor.cpu.num': '2',
      'monitor.mem.size': '4096',
      'monitor.mem.usedsize': expect.stringMatching(/^\d+$/),
    });
    const again = await h.ok('POST', 'cloudmonitor/compute/current', { 'monitor.obj.type': 'vm', 'monitor.obj': vm });
    expect(again.data).toEqual(cur.data);
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': vm });
    h.advance(DELAYS.stopMs);
    const off = await h.ok('POST', 'cloudmonitor/compute/current', { 'monitor.obj.type': 'vm', 'monitor.obj': vm });
    expect(off.data).toMatchObject({ 'monitor.cpu.rate': '', 'monitor.mem.rate': '', 'monitor.mem.usedsize': '' });
    expectRefusal(
      await h.call('POST', 'cloudmonitor/compute/current', { 'monitor.obj.type': 'host', 'monitor.obj': vm }),
      /must be one of vm/,
    );
  });

  it.each([
    ['cloudmonitor/compute/history', ['monitor.cpu.rate', 'monitor.mem.rate']],
    ['cloudmonitor/disk/history', ['monitor.disk.writespeed', 'monitor.disk.readspeed']],
    ['cloudmonitor/net/history', ['monitor.net.downspeed', 'monitor.net.upspeed']],
  ])('answers %s lines of 60 minutes, 24 hours or 30 days, empty before the VM existed', async (path, keys) => {
    const vm = await runningVm(h, 'hist');
    h.advance(10 * 60_000);
    const minute = await h.ok('POST', path, { 'monitor.obj.type': 'vm', 'monitor.obj': vm, lineType: 'minute' });
    expect(minute.data).toHaveLength(60);
    expect(Object.keys(minute.data[0]).sort()).toEqual(['monitor.obj', 'monitor.createtime', ...keys].sort());
    expect(minute.data[0][keys[0]!]).toBe('');
    expect(minute.data[59][keys[0]!]).not.toBe('');
    expect(minute.data[59]['monitor.createtime']).toBe('2024-05-01 10:10:00');
    expect(
      (await h.ok('POST', path, { 'monitor.obj.type': 'vm', 'monitor.obj': vm, lineType: 'hour' })).data,
    ).toHaveLength(24);
    expect(
      (await h.ok('POST', path, { 'monitor.obj.type': 'vm', 'monitor.obj': vm, lineType: 'day' })).data,
    ).toHaveLength(30);
    expectRefusal(await h.call('POST', path, { 'monitor.obj.type': 'vm', 'monitor.obj': vm }), /lineType is required/);
  });

  it('answers per-disk and per-NIC current figures', async () => {
    const vm = await runningVm(h, 'per', { 'vm.vdisk.num': '1', 'vm.vdisk.size': '10' });
    const disks = await h.ok('POST', 'cloudmonitor/everydisk/current', { 'monitor.obj.type': 'vm', 'monitor.obj': vm });
    expect(disks.data).toHaveLength(2);
    expect(disks.data[1]).toMatchObject({ 'monitor.obj': vm, 'monitor.disk.size': String(10 * 1024 * 1024) });
    expect(Object.keys(disks.data[0]).sort()).toEqual(
      [
        'monitor.obj',
        'monitor.diskid',
        'monitor.createtime',
        'monitor.disk.writespeed',
        'monitor.disk.readspeed',
        'monitor.disk.size',
        'monitor.disk.rqbs',
        'monitor.disk.wqbs',
        'monitor.disk.usedsize',
      ].sort(),
    );
    const nets = await h.ok('POST', 'cloudmonitor/everynet/current', { 'monitor.obj.type': 'vm', 'monitor.obj': vm });
    const nic = (await h.ok('POST', 'cloudvm/vnic/search', { 'vnic.vmid': vm })).data[0];
    expect(nets.data).toEqual([
      {
        'monitor.obj': vm,
        'monitor.netcardid': nic['vnic.id'],
        'monitor.netcardmac': nic['vnic.macaddress'],
        'monitor.createtime': '2024-05-01 10:00:00',
        'monitor.net.downspeed': expect.stringMatching(/^\d+\.\d{2}$/),
        'monitor.net.upspeed': expect.stringMatching(/^\d+\.\d{2}$/),
      },
    ]);
  });

  it('answers batch current figures for VMs or hosts from a JSON array of ids', async () => {
    const a = await runningVm(h, 'a');
    const b = await runningVm(h, 'b');
    const vms = await h.ok('POST', 'cloudmonitor/compute/currents', {
      'monitor.obj.type': 'vm',
      'monitor.objids': [a, b],
    });
    expect(vms.data.map((d: any) => d['monitor.obj'])).toEqual([a, b]);
    expect(vms.data[0]).toHaveProperty('monitor.disk.usedsize');
    const hosts = await h.ok('POST', 'cloudmonitor/compute/currents', {
      'monitor.obj.type': 'host',
      'monitor.objids': ['host-kvm-01', 'host-kvm-03'],
    });
    expect(hosts.data[0]).toMatchObject({
      'monitor.obj': 'host-kvm-01',
      'monitor.cpu.num': '64',
      'monitor.mem.size': '524288',
    });
    expect(hosts.data[1]['monitor.cpu.rate']).toBe(''); // offline host: no data
    expectRefusal(
      await h.call('POST', 'cloudmonitor/compute/currents', { 'monitor.obj.type': 'vm', 'monitor.objids': a }),
      /JSON array/,
    );
    expectRefusal(
      await h.call('POST', 'cloudmonitor/compute/currents', { 'monitor.obj.type': 'vm' }),
      /objids is required/,
    );
    expectRefusal(
      await h.call('POST', 'cloudmonitor/compute/currents', { 'monitor.obj.type': 'host', 'monitor.objids': ['nope'] }),
      /Host nope does not exist/,
    );
  });
});
