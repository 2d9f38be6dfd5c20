import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_HOSTS,
  DEMO_NETWORKS,
  DEMO_OTHER_TENANT,
  DEMO_TEMPLATES,
  VM_STATES,
} from '../../../src/providers/starvcenter/simulator.ts';
import {
  APP_NET,
  DELAYS,
  type Harness,
  createVm,
  expectRefusal,
  runningVm,
  startHarness,
  vmSpec,
  vmState,
} from './simulator-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const VM_KEYS = [
  'vm.createtime',
  'vm.desc',
  'vm.id',
  'vm.ip',
  'vm.memory.mem',
  'vm.name',
  'vm.reboot.enable',
  'vm.shutdown.enable',
  'vm.state',
  'vm.tenant.model',
  'vm.tenant.type',
  'vm.vcpu.num',
];

describe('create (#2) and get (#4)', () => {
  it('answers one item per VM with its jobstartid and no top-level startid; the VM installs (3) then runs (1)', async () => {
    const env = await h.ok('POST', 'cloudvm/create', vmSpec('web-1'));
    expect(Object.keys(env).sort()).toEqual(['data', 'result']);
    expect(env.data).toEqual([
      { 'vm.id': expect.stringMatching(/^[0-9a-f]{32}$/), 'vm.name': 'web-1', jobstartid: '100001' },
    ]);
    const id = env.data[0]['vm.id'];
    const got = await h.ok('GET', `cloudvm/${id}`);
    expect(Object.keys(got.data).sort()).toEqual(VM_KEYS);
    expect(got.data).toMatchObject({
      'vm.name': 'web-1',
      'vm.state': '3',
      'vm.vcpu.num': '2',
      'vm.memory.mem': '4096',
      'vm.tenant.model': 'centos-7-9',
      'vm.tenant.type': 'tenant_system_model',
      'vm.createtime': '2024-05-01 10:00:00',
      'vm.ip': '10.20.0.2',
      'vm.desc': '',
    });
    h.advance(DELAYS.bootMs - 1);
    expect(await vmState(h, id)).toBe('3');
    h.advance(1);
    expect(await vmState(h, id)).toBe('1');
  });

  it('clones from a VM template with state 4 and takes the template model', async () => {
    const tpl = DEMO_TEMPLATES[0];
    const spec = vmSpec('from-tpl', { 'vm.tenant.model': undefined, 'vm.template.id': tpl.id });
    const id = (await h.ok('POST', 'cloudvm/create', spec)).data[0]['vm.id'];
    expect((await h.ok('GET', `cloudvm/${id}`)).data).toMatchObject({ 'vm.state': '4', 'vm.tenant.model': tpl.model });
    h.advance(DELAYS.bootMs);
    expect(await vmState(h, id)).toBe('1');
  });

  it('creates vm.num VMs named <name>-n, and names a VM when no name is given', async () => {
    const env = await h.ok('POST', 'cloudvm/create', vmSpec('batch', { 'vm.num': '3' }));
    expect(env.data.map((d: any) => d['vm.name'])).toEqual(['batch-1', 'batch-2', 'batch-3']);
    expect(new Set(env.data.map((d: any) => d.jobstartid)).size).toBe(3);
    const anon = await h.ok('POST', 'cloudvm/create', vmSpec('x', { 'vm.name': undefined }));
    expect(anon.data[0]['vm.name']).toMatch(/^vm-[0-9a-f]{8}$/);
  });

  it('refuses bad create parameters with result 1 naming the problem', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'vm.template.id': DEMO_TEMPLATES[0].id }, /either vm\.tenant\.model or vm\.template\.id/],
      [{ 'vm.tenant.model': undefined }, /vm\.tenant\.model or vm\.template\.id is required/],
      [{ 'vm.tenant.model': 'no-such-model' }, /model no-such-model does not exist/],
      [{ 'vm.tenant.model': undefined, 'vm.template.id': 'tpl-x' }, /template tpl-x does not exist/],
      [{ 'vnic.portgroupid': 'pg-nope' }, /Private network pg-nope does not exist/],
      [{ 'vnic.portgroupid': DEMO_NETWORKS[2]!.id }, /does not exist/],
      [{ 'vm.vcpu.num': '0' }, /vm\.vcpu\.num must be between 1 and 128/],
      [{ 'vm.vcpu.num': 'two' }, /vm\.vcpu\.num must be an integer/],
      [{ 'vm.memory.mem': undefined }, /vm\.memory\.mem is required/],
      [{ 'vm.num': '11' }, /vm\.num must be between 1 and 10/],
      [{ 'vm.vdisk.num': '2' }, /vm\.vdisk\.size is required/],
      [{ 'vm.hyperv.enable': 'yes' }, /vm\.hyperv\.enable must be true or false/],
      [{ 'vm.name': 'n'.repeat(129) }, /vm\.name must be at most 128 characters/],
    ];
    for (const [extra, pattern] of cases)
      expectRefusal(await h.call('POST', 'cloudvm/create', vmSpec('bad', extra)), pattern);
    expect((await h.ok('POST', 'cloudvm/search', {})).dataCount).toBe(0);
  });

  it('refuses a create beyond the tenant quota', async () => {
    const spec = vmSpec('big', { 'vm.vcpu.num': '9', 'vnic.portgroupid': DEMO_NETWORKS[2]!.id });
    expectRefusal(
      await h.call('POST', 'cloudvm/create', spec, { token: DEMO_OTHER_TENANT.token }),
      /Quota exceeded for CPU/,
    );
    const ok = vmSpec('small', {
      'vm.vcpu.num': '4',
      'vm.memory.mem': '10000',
      'vnic.portgroupid': DEMO_NETWORKS[2]!.id,
    });
    await h.ok('POST', 'cloudvm/create', ok, DEMO_OTHER_TENANT.token);
    expectRefusal(
      await h.call('POST', 'cloudvm/create', ok, { token: DEMO_OTHER_TENANT.token }),
      /Quota exceeded for memory/,
    );
  });

  it('answers result 1 for a VM that does not exist', async () => {
    expectRefusal(await h.call('GET', 'cloudvm/00000000000000000000000000000000'), /VM .* does not exist/);
  });
});

describe('search (#3)', () => {
  it('pages by 1-based page number with the total in dataCount', async () => {
    for (let i = 0; i < 5; i++) await createVm(h, `page-${i}`);
    const p1 = await h.ok('POST', 'cloudvm/search', { 'page.startnum': '1', 'page.everypagenum': '2' });
    const p3 = await h.ok('POST', 'cloudvm/search', { 'page.startnum': '3', 'page.everypagenum': '2' });
    const p4 = await h.ok('POST', 'cloudvm/search', { 'page.startnum': '4', 'page.everypagenum': '2' });
    expect(p1.data.map((v: any) => v['vm.name'])).toEqual(['page-0', 'page-1']);
    expect(p3.data.map((v: any) => v['vm.name'])).toEqual(['page-4']);
    expect(p4).toEqual({ result: '0', data: [], dataCount: 5 });
    expect(p1.dataCount).toBe(5);
    expect((await h.ok('POST', 'cloudvm/search', {})).data).toHaveLength(5);
    expect((await h.ok('POST', 'cloudvm/search', { 'page.everypagenum': '4' })).data).toHaveLength(4);
    expect((await h.ok('POST', 'cloudvm/search', { 'page.startnum': '1' })).data).toHaveLength(5);
  });

  it('refuses a page size outside 1–30 and a page number below 1', async () => {
    expectRefusal(
      await h.call('POST', 'cloudvm/search', { 'page.startnum': '1', 'page.everypagenum': '31' }),
      /1 and 30/,
    );
    expectRefusal(
      await h.call('POST', 'cloudvm/search', { 'page.startnum': '1', 'page.everypagenum': '0' }),
      /1 and 30/,
    );
    expectRefusal(
      await h.call('POST', 'cloudvm/search', { 'page.startnum': '0', 'page.everypagenum': '5' }),
      /startnum/,
    );
  });

  it('filters by fuzzy name and id, exact state, IP and host', async () => {
    const a = await runningVm(h, 'Alpha-Web');
    const b = await createVm(h, 'beta-db');
    const names = async (params: Record<string, unknown>) =>
      (await h.ok('POST', 'cloudvm/search', params)).data.map((v: any) => v['vm.name']);
    expect(await names({ 'vm.name': 'alpha' })).toEqual(['Alpha-Web']);
    expect(await names({ 'vm.id': a.slice(4, 12) })).toEqual(['Alpha-Web']);
    expect(await names({ 'vm.state': '3' })).toEqual(['beta-db']);
    expect(await names({ 'vm.state': '1' })).toEqual(['Alpha-Web']);
    const ip = (await h.ok('GET', `cloudvm/${b}`)).data['vm.ip'];
    expect(await names({ 'vm.ip': ip })).toEqual(['beta-db']);
    expect(await names({ 'vm.ip': ip.slice(0, -1) })).toEqual([]);
    const hosts = await Promise.all(DEMO_HOSTS.map((x) => names({ 'vm.hostid': x.id })));
    expect(hosts.flat().sort()).toEqual(['Alpha-Web', 'beta-db']);
    expect(hosts[2]).toEqual([]); // the offline host takes no VM
    expectRefusal(await h.call('POST', 'cloudvm/search', { 'vm.state': '9' }), /vm\.state must be one of/);
  });

  it('lists a new VM only after the configured list lag, while a get sees it at once', async () => {
    await h.ctl('PATCH', '/config', { listLagMs: 5000 });
    const id = await createVm(h, 'lagging');
    expect((await h.ok('POST', 'cloudvm/search', {})).dataCount).toBe(0);
    expect(await vmState(h, id)).toBe('3');
    h.advance(5000);
    expect((await h.ok('POST', 'cloudvm/search', {})).dataCount).toBe(1);
  });
});

describe('power operations (#5 #6 #7 #15)', () => {
  it('powers off (destroy) and starts a VM, showing the old state until each job ends', async () => {
    const id = await runningVm(h, 'pw');
    const off = await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id });
    expect(Object.keys(off).sort()).toEqual(['result', 'startid']);
    expect(off.startid).toMatch(/^\d+$/);
    expect(await vmState(h, id)).toBe('1');
    expectRefusal(await h.call('PUT', 'cloudvm/start', { 'vm.id': id }), /locked \(8: stopping\)/);
    h.advance(DELAYS.stopMs);
    expect(await vmState(h, id)).toBe('0');
    const on = await h.ok('PUT', 'cloudvm/start', { 'vm.id': id });
    expect(Number(on.startid)).toBeGreaterThan(Number(off.startid));
    expect(await vmState(h, id)).toBe('0');
    expectRefusal(await h.call('PUT', 'cloudvm/destroy', { 'vm.id': id }), /locked \(7: starting\)/);
    h.advance(DELAYS.startMs);
    expect(await vmState(h, id)).toBe('1');
  });

  it('does not delete a VM on destroy: destroy is a power-off', async () => {
    const id = await runningVm(h, 'not-deleted');
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id });
    h.advance(60_000);
    expect(await vmState(h, id)).toBe('0');
  });

  it('shuts down and restarts through the guest agent', async () => {
    const id = await runningVm(h, 'agent');
    await h.ok('PUT', 'cloudvm/restart', { 'vm.id': id });
    expect(await vmState(h, id)).toBe('1');
    expectRefusal(await h.call('PUT', 'cloudvm/restart', { 'vm.id': id }), /locked \(7/);
    h.advance(DELAYS.rebootMs);
    await h.ok('PUT', 'cloudvm/shutdown', { 'vm.id': id });
    h.advance(DELAYS.stopMs);
    expect(await vmState(h, id)).toBe('0');
  });

  it('refuses starting a running VM, stopping a stopped one, and acting on an installing one', async () => {
    const id = await runningVm(h, 'twice');
    expectRefusal(await h.call('PUT', 'cloudvm/start', { 'vm.id': id }), /Cannot start VM .* in state 1/);
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id });
    h.advance(DELAYS.stopMs);
    expectRefusal(await h.call('PUT', 'cloudvm/destroy', { 'vm.id': id }), /in state 0/);
    expectRefusal(await h.call('PUT', 'cloudvm/shutdown', { 'vm.id': id }), /in state 0/);
    expectRefusal(await h.call('PUT', 'cloudvm/restart', { 'vm.id': id }), /in state 0/);
    const fresh = await createVm(h, 'installing');
    expectRefusal(await h.call('PUT', 'cloudvm/destroy', { 'vm.id': fresh }), /locked \(12: installing\)/);
    const tpl = await createVm(h, 'cloning', { 'vm.tenant.model': undefined, 'vm.template.id': DEMO_TEMPLATES[0].id });
    expectRefusal(await h.call('PUT', 'cloudvm/start', { 'vm.id': tpl }), /locked \(13: cloning\)/);
    expectRefusal(await h.call('PUT', 'cloudvm/start', {}), /vm\.id is required/);
    expectRefusal(await h.call('PUT', 'cloudvm/start', { 'vm.id': 'ghost' }), /VM ghost does not exist/);
  });

  it('refuses soft operations without a guest agent until resumeCloudAgent has run', async () => {
    const id = await runningVm(h, 'win', { 'vm.tenant.model': 'win-2022' });
    expect((await h.ok('GET', `cloudvm/${id}`)).data).toMatchObject({
      'vm.shutdown.enable': 'false',
      'vm.reboot.enable': 'false',
    });
    expectRefusal(await h.call('PUT', 'cloudvm/shutdown', { 'vm.id': id }), /guest agent/);
    expectRefusal(await h.call('PUT', 'cloudvm/restart', { 'vm.id': id }), /guest agent/);
    expectRefusal(await h.call('POST', 'cloudvm/setadminpwd', { 'vm.id': id, pwd: 'N3w!pass' }), /guest agent/);
    const wake = await h.ok('POST', 'cloudvm/resumeCloudAgent', { 'vm.id': id });
    expect(wake.startid).toMatch(/^\d+$/);
    expect((await h.ok('GET', `cloudvm/${id}`)).data['vm.shutdown.enable']).toBe('false');
    h.advance(DELAYS.jobMs);
    expect((await h.ok('GET', `cloudvm/${id}`)).data['vm.shutdown.enable']).toBe('true');
    await h.ok('PUT', 'cloudvm/shutdown', { 'vm.id': id });
  });
});

describe('delete (#8)', () => {
  it('answers a startid, shows the last state while deleting, then the VM is gone and its address free', async () => {
    const id = await runningVm(h, 'doomed');
    const ip = (await h.ok('GET', `cloudvm/${id}`)).data['vm.ip'];
    const env = await h.ok('DELETE', `cloudvm/${id}`);
    expect(Object.keys(env).sort()).toEqual(['result', 'startid']);
    expect(await vmState(h, id)).toBe('1');
    expectRefusal(await h.call('DELETE', `cloudvm/${id}`), /being deleted/);
    expectRefusal(await h.call('PUT', 'cloudvm/destroy', { 'vm.id': id }), /being deleted/);
    h.advance(DELAYS.deleteMs);
    expectRefusal(await h.call('GET', `cloudvm/${id}`), /does not exist/);
    expect((await h.ok('POST', 'cloudvm/search', {})).dataCount).toBe(0);
    const next = await createVm(h, 'reuses');
    expect((await h.ok('GET', `cloudvm/${next}`)).data['vm.ip']).toBe(ip);
  });

  it('deletes a VM that is still installing and cancels its create job (task code 7)', async () => {
    const env = await h.ok('POST', 'cloudvm/create', vmSpec('early'));
    const { 'vm.id': id, jobstartid } = env.data[0];
    await h.ok('DELETE', `cloudvm/${id}`);
    h.advance(DELAYS.deleteMs);
    expect(await vmState(h, id)).toBeUndefined();
    const jobs = (await h.ctl('GET', '/starvcenter/jobs')).json.jobs;
    expect(jobs.find((j: any) => j.startid === jobstartid)).toMatchObject({ taskCode: '7', op: 'cloudvm.create' });
    expect(jobs.find((j: any) => j.op === 'cloudvm.delete')).toMatchObject({ taskCode: '0', vmId: id });
  });
});

describe('other VM operations', () => {
  it('renames a VM and sets its description (#9)', async () => {
    const id = await createVm(h, 'old');
    expect(await h.ok('PUT', 'cloudvm/modify', { 'vm.id': id, 'vm.name': '新名字', 'vm.desc': 'front' })).toEqual({
      result: '0',
      data: '',
    });
    expect((await h.ok('GET', `cloudvm/${id}`)).data).toMatchObject({ 'vm.name': '新名字', 'vm.desc': 'front' });
    expectRefusal(await h.call('PUT', 'cloudvm/modify', { 'vm.name': 'x' }), /vm\.id is required/);
  });

  it('answers console details of a running VM only (#10)', async () => {
    const id = await runningVm(h, 'console');
    const env = await h.ok('GET', `cloudvm/connection/${id}`);
    expect(env.data).toEqual({
      'vm.console.url': expect.stringContaining(`vmid=${id}`),
      'vm.hostip': expect.stringMatching(/^10\.0\.0\.1[12]$/),
      'vm.vncport': expect.stringMatching(/^\d+$/),
    });
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id });
    h.advance(DELAYS.stopMs);
    expectRefusal(await h.call('GET', `cloudvm/connection/${id}`), /in state 0/);
  });

  it('resets the admin password as a job and never echoes a password (#11)', async () => {
    const id = await runningVm(h, 'pwd');
    const r = await h.call('POST', 'cloudvm/setadminpwd', { 'vm.id': id, username: 'root', pwd: 'S3cret!pw' });
    expect(Object.keys(r.env).sort()).toEqual(['result', 'startid']);
    expect(JSON.stringify(r.env)).not.toContain('S3cret');
    expectRefusal(await h.call('POST', 'cloudvm/setadminpwd', { 'vm.id': id }), /pwd is required/);
    const view = await h.ctl('GET', `/instances/${id}`);
    expect(JSON.stringify(view.json)).not.toContain('S3cret');
  });

  it('changes and resets the VNC password with a bare success envelope (#13 #14)', async () => {
    const id = await createVm(h, 'vnc');
    expect(await h.ok('POST', 'cloudvm/editvncpwd', { 'vm.id': id, 'vm.vncpasswd': 'abc12345' })).toEqual({
      result: '0',
    });
    expect(await h.ok('POST', 'cloudvm/setvncpwd', { 'vm.id': id })).toEqual({ result: '0' });
    expectRefusal(await h.call('POST', 'cloudvm/editvncpwd', { 'vm.id': id }), /vm\.vncpasswd is required/);
  });

  it('resizes CPU and memory when the job ends (#16 #17)', async () => {
    const id = await runningVm(h, 'resize');
    const cpu = await h.ok('PUT', 'cloudvm/cpu/modify', { 'vm.id': id, 'vm.vcpu.num': '8' });
    expect(cpu.startid).toMatch(/^\d+$/);
    expect((await h.ok('GET', `cloudvm/${id}`)).data['vm.vcpu.num']).toBe('2');
    h.advance(DELAYS.jobMs);
    expect((await h.ok('GET', `cloudvm/${id}`)).data['vm.vcpu.num']).toBe('8');
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id });
    h.advance(DELAYS.stopMs);
    await h.ok('PUT', 'cloudvm/mem/modify', { 'vm.id': id, 'vm.memory.mem': '16384' });
    h.advance(DELAYS.jobMs);
    expect((await h.ok('GET', `cloudvm/${id}`)).data['vm.memory.mem']).toBe('16384');
    expectRefusal(await h.call('PUT', 'cloudvm/mem/modify', { 'vm.id': id, 'vm.memory.mem': '0' }), /between 1/);
    expectRefusal(
      await h.call('PUT', 'cloudvm/cpu/modify', { 'vm.id': id, 'vm.vcpu.num': '100000' }),
      /between 1 and 128/,
    );
  });

  it('switches the guest firewall with an empty array answer (#19)', async () => {
    const id = await createVm(h, 'fw');
    expect(await h.ok('POST', 'cloudvm/switchfirewalld', { 'vm.id': id, 'vm.firewalld.enable': 'true' })).toEqual({
      result: '0',
      data: [],
    });
    expectRefusal(
      await h.call('POST', 'cloudvm/switchfirewalld', { 'vm.id': id, 'vm.firewalld.enable': 'on' }),
      /true or false/,
    );
  });
});

describe('control API for this platform', () => {
  it('shows vm.state codes as the platform status and forces any Appendix 1 state', async () => {
    const id = await runningVm(h, 'forced');
    expect((await h.ctl('GET', `/instances/${id}`)).json.status).toBe('1');
    for (const code of VM_STATES) {
      const r = await h.ctl('POST', `/instances/${id}/force`, { status: code });
      expect(r.json.status, code).toBe(code);
      expect(await vmState(h, id)).toBe(code);
    }
    await h.ctl('POST', `/instances/${id}/force`, { status: '2' });
    await h.ok('PUT', 'cloudvm/start', { 'vm.id': id });
    h.advance(DELAYS.startMs);
    expect(await vmState(h, id)).toBe('1');
    await h.ctl('POST', `/instances/${id}/force`, { status: '-1' });
    expectRefusal(await h.call('PUT', 'cloudvm/start', { 'vm.id': id }), /in state -1/);
    expect((await h.ctl('POST', `/instances/${id}/force`, { status: '7' })).status).toBe(400);
  });

  it('renders a VM seeded through the control API', async () => {
    const seeded = await h.ctl('POST', '/instances', { tenant: 'app-demo', name: 'seeded', state: 'stopped' });
    const got = await h.ok('GET', `cloudvm/${seeded.json.id}`);
    expect(got.data).toMatchObject({ 'vm.name': 'seeded', 'vm.state': '0', 'vm.vcpu.num': '1' });
  });

  it('locks a VM so it refuses operations but can still be deleted', async () => {
    const id = await runningVm(h, 'locked');
    expect((await h.ctl('POST', `/starvcenter/vms/${id}/lock`, { code: 1 })).status).toBe(200);
    expectRefusal(await h.call('PUT', 'cloudvm/destroy', { 'vm.id': id }), /locked \(1: migrating to another host\)/);
    expectRefusal(await h.call('PUT', 'cloudvm/cpu/modify', { 'vm.id': id, 'vm.vcpu.num': '4' }), /locked/);
    await h.ctl('POST', `/starvcenter/vms/${id}/lock`, { code: 0 });
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id });
    h.advance(DELAYS.stopMs);
    await h.ctl('POST', `/starvcenter/vms/${id}/lock`, { code: 2 });
    await h.ok('DELETE', `cloudvm/${id}`);
    expect((await h.ctl('POST', '/starvcenter/vms/ghost/lock', { code: 1 })).status).toBe(404);
  });

  it('counts calls per operation name', async () => {
    await h.ctl('DELETE', '/calls');
    await createVm(h, 'counted');
    await h.ok('POST', 'cloudvm/search', {});
    await h.ok('POST', 'cloudvm/search', {});
    const counts = (await h.ctl('GET', '/calls')).json.counts;
    expect(counts).toEqual({ 'cloudvm.create': 1, 'cloudvm.search': 2 });
  });

  it('takes its job delays from /_sim/config, jobMs included', async () => {
    const patched = await h.ctl('PATCH', '/config', { delays: { bootMs: 0, jobMs: 0 } });
    expect(patched.json.delays).toMatchObject({ bootMs: 0, jobMs: 0, stopMs: DELAYS.stopMs });
    const id = await createVm(h, 'instant');
    expect(await vmState(h, id)).toBe('1');
    await h.ok('PUT', 'cloudvm/cpu/modify', { 'vm.id': id, 'vm.vcpu.num': '3' });
    expect((await h.ok('GET', `cloudvm/${id}`)).data['vm.vcpu.num']).toBe('3');
    await h.reset();
    expect((await h.ctl('GET', '/config')).json.delays).toEqual(DELAYS);
  });

  it('advances the manual clock through /_sim/clock', async () => {
    const id = await createVm(h, 'clocked');
    const r = await h.ctl('POST', '/clock', { advanceMs: DELAYS.bootMs });
    expect(r.status).toBe(200);
    expect(await vmState(h, id)).toBe('1');
  });

  it('uses the demo network address book in order', async () => {
    const ids = [await createVm(h, 'a'), await createVm(h, 'b')];
    const ips = await Promise.all(ids.map(async (id) => (await h.ok('GET', `cloudvm/${id}`)).data['vm.ip']));
    expect(ips).toEqual(['10.20.0.2', '10.20.0.3']);
    expect(APP_NET).toBe('pg-demo-app');
  });
});
