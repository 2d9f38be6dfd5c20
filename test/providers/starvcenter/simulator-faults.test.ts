import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_BASE_PATH, DEMO_TENANT } from '../../../src/providers/starvcenter/simulator.ts';
import {
  DELAYS,
  type Harness,
  b64,
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

const jobRule = (body: Record<string, unknown>) => h.ctl('POST', '/starvcenter/jobs', body);
const jobs = async () => (await h.ctl('GET', '/starvcenter/jobs')).json.jobs as any[];
const job = async (startid: string) => (await jobs()).find((j) => j.startid === startid);
const HOUR = 3_600_000;

describe('job that fails', () => {
  it('ends a create in state -2 (creation failed) with task code 1, once', async () => {
    expect((await jobRule({ outcome: 'fail', op: 'cloudvm.create' })).status).toBe(201);
    const env = await h.ok('POST', 'cloudvm/create', vmSpec('fails'));
    const { 'vm.id': id, jobstartid } = env.data[0];
    expect(await vmState(h, id)).toBe('3');
    expect(await job(jobstartid)).toMatchObject({ taskCode: '2', outcome: 'fail' });
    h.advance(DELAYS.bootMs);
    expect(await vmState(h, id)).toBe('-2');
    expect(await job(jobstartid)).toMatchObject({ taskCode: '1', vmId: id });
    const next = await runningVm(h, 'works');
    expect(await vmState(h, next)).toBe('1');
    await h.ok('DELETE', `cloudvm/${id}`);
  });

  it('fails a create with the task code the rule names, and only the first VM of a batch', async () => {
    await jobRule({ outcome: 'fail', op: 'cloudvm.create', code: '5' });
    const env = await h.ok('POST', 'cloudvm/create', vmSpec('batch', { 'vm.num': '2' }));
    h.advance(DELAYS.bootMs);
    expect(await vmState(h, env.data[0]['vm.id'])).toBe('-2');
    expect(await vmState(h, env.data[1]['vm.id'])).toBe('1');
    expect((await job(env.data[0].jobstartid)).taskCode).toBe('5');
    expect((await job(env.data[1].jobstartid)).taskCode).toBe('0');
  });

  it('leaves a VM where it was when a start, power-off or restart job fails', async () => {
    const id = await runningVm(h, 'power');
    await jobRule({ outcome: 'fail', op: 'cloudvm.destroy' });
    const off = (await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id })).startid;
    expectRefusal(await h.call('PUT', 'cloudvm/restart', { 'vm.id': id }), /locked \(8/);
    h.advance(DELAYS.stopMs);
    expect(await vmState(h, id)).toBe('1');
    expect((await job(off)).taskCode).toBe('1');
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id });
    h.advance(DELAYS.stopMs);
    await jobRule({ outcome: 'fail', op: 'cloudvm.start' });
    const on = (await h.ok('PUT', 'cloudvm/start', { 'vm.id': id })).startid;
    h.advance(DELAYS.startMs);
    expect(await vmState(h, id)).toBe('0');
    expect((await job(on)).taskCode).toBe('1');
  });

  it('keeps a VM whose delete job fails', async () => {
    const id = await runningVm(h, 'stays');
    await jobRule({ outcome: 'fail', op: 'cloudvm.delete', code: '6' });
    const del = (await h.ok('DELETE', `cloudvm/${id}`)).startid;
    h.advance(DELAYS.deleteMs);
    expect(await vmState(h, id)).toBe('1');
    expect((await job(del)).taskCode).toBe('6');
  });

  it('leaves resources unchanged when a resize, disk or backup job fails', async () => {
    const id = await runningVm(h, 'jobs');
    await jobRule({ outcome: 'fail', op: 'cloudvm.*', times: 3 });
    await h.ok('PUT', 'cloudvm/cpu/modify', { 'vm.id': id, 'vm.vcpu.num': '4' });
    const disk = await h.ok('POST', 'cloudvm/vdisk/add', { 'vdisk.vmid': id, 'vdisk.size': '10' });
    const backup = await h.ok('POST', 'cloudvm/backup/create', { 'backup.vmid': id, 'backup.name': 'b' });
    expect((await h.ok('GET', `cloudvm/backup/${id}`)).data[0]['backup.enable']).toBe('false');
    h.advance(DELAYS.jobMs);
    expect((await h.ok('GET', `cloudvm/${id}`)).data['vm.vcpu.num']).toBe('2');
    const disks = (await h.ok('POST', 'cloudvm/vdisk/search', { 'vdisk.vmid': id })).data;
    expect(disks.map((d: any) => d['vdisk.id'])).not.toContain(disk.data['vdisk.id']);
    expect((await h.ok('GET', `cloudvm/backup/${id}`)).data).toEqual([]);
    expect((await job(backup.startid)).taskCode).toBe('1');
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id }); // unlocked again
  });

  it('removes a router whose create job fails', async () => {
    await jobRule({ outcome: 'fail', op: 'vroute.create' });
    const r = (await h.ok('POST', 'vroute/create', { 'vroute.name': 'gw' })).data[0];
    expect((await h.ok('GET', `vroute/${r['vm.id']}`)).data['vroute.online']).toBe('false');
    h.advance(DELAYS.bootMs);
    expectRefusal(await h.call('GET', `vroute/${r['vm.id']}`), /does not exist/);
    expect((await job(r.jobstartid)).taskCode).toBe('1');
  });
});

describe('job that never ends', () => {
  it('keeps a create installing (3) with its lock; the VM can still be deleted', async () => {
    await jobRule({ outcome: 'hang', op: 'cloudvm.create' });
    const env = await h.ok('POST', 'cloudvm/create', vmSpec('stuck'));
    const { 'vm.id': id, jobstartid } = env.data[0];
    h.advance(HOUR);
    expect(await vmState(h, id)).toBe('3');
    expect((await job(jobstartid)).taskCode).toBe('2');
    expectRefusal(await h.call('PUT', 'cloudvm/start', { 'vm.id': id }), /locked \(12/);
    await h.ok('DELETE', `cloudvm/${id}`);
    h.advance(DELAYS.deleteMs);
    expect(await vmState(h, id)).toBeUndefined();
    expect((await job(jobstartid)).taskCode).toBe('7');
  });

  it('keeps a powering-off VM at 1 and a deleting VM visible for good', async () => {
    const a = await runningVm(h, 'off-forever');
    const b = await runningVm(h, 'delete-forever');
    await jobRule({ outcome: 'hang', op: 'cloudvm.destroy' });
    await jobRule({ outcome: 'hang', op: 'cloudvm.delete' });
    const off = (await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': a })).startid;
    const del = (await h.ok('DELETE', `cloudvm/${b}`)).startid;
    h.advance(HOUR);
    expect(await vmState(h, a)).toBe('1');
    expectRefusal(await h.call('PUT', 'cloudvm/start', { 'vm.id': a }), /locked \(8/);
    expect(await vmState(h, b)).toBe('1');
    expectRefusal(await h.call('DELETE', `cloudvm/${b}`), /being deleted/);
    expect((await job(off)).taskCode).toBe('2');
    expect((await job(del)).taskCode).toBe('2');
  });

  it('keeps a backup unusable and its VM locked (3)', async () => {
    const id = await runningVm(h, 'backup-forever');
    await jobRule({ outcome: 'hang', op: 'cloudvm.backup.create' });
    await h.ok('POST', 'cloudvm/backup/create', { 'backup.vmid': id, 'backup.name': 'b' });
    h.advance(HOUR);
    expect((await h.ok('GET', `cloudvm/backup/${id}`)).data[0]['backup.enable']).toBe('false');
    expectRefusal(await h.call('PUT', 'cloudvm/destroy', { 'vm.id': id }), /locked \(3: creating a backup\)/);
  });
});

describe('job rules', () => {
  it('apply to the next N matching async operations and can be listed, dropped and reset', async () => {
    await jobRule({ outcome: 'fail', op: 'cloudvm.create', times: 2 });
    const rules = (await h.ctl('GET', '/starvcenter/jobs')).json.rules;
    expect(rules).toEqual([expect.objectContaining({ outcome: 'fail', op: 'cloudvm.create', left: 2 })]);
    const ids = [await createVm(h, 'a'), await createVm(h, 'b'), await createVm(h, 'c')];
    h.advance(DELAYS.bootMs);
    expect(await Promise.all(ids.map((id) => vmState(h, id)))).toEqual(['-2', '-2', '1']);
    await jobRule({ outcome: 'hang' });
    expect((await h.ctl('DELETE', '/starvcenter/jobs')).status).toBe(204);
    const d = await createVm(h, 'd');
    h.advance(DELAYS.bootMs);
    expect(await vmState(h, d)).toBe('1');
    await jobRule({ outcome: 'hang' });
    await h.ctl('POST', '/reset', {});
    expect((await h.ctl('GET', '/starvcenter/jobs')).json).toEqual({ rules: [], jobs: [] });
  });

  it('refuse malformed rules', async () => {
    expect((await jobRule({ outcome: 'explode' })).status).toBe(400);
    expect((await jobRule({ outcome: 'fail', code: '0' })).status).toBe(400);
    expect((await jobRule({ outcome: 'fail', extra: 1 })).status).toBe(400);
  });

  it('mirror every job into the shared /_sim/jobs view with its task code', async () => {
    const id = await runningVm(h, 'mirrored');
    await h.ok('PUT', 'cloudvm/destroy', { 'vm.id': id });
    const items = (await h.ctl('GET', '/jobs')).json.items;
    expect(items.map((j: any) => [j.kind, j.status, j.attrs.taskCode])).toEqual([
      ['cloudvm.create', 'succeeded', '0'],
      ['cloudvm.destroy', 'running', '2'],
    ]);
  });
});

describe('generic faults in the StarVCenter wire', () => {
  const fault = (body: Record<string, unknown>) => h.ctl('POST', '/faults', body);

  it('renders a refusal as the envelope at HTTP 200, with the rule code and message', async () => {
    await fault({ op: 'cloudvm.search', kind: 'refuse', message: 'busy', times: 1 });
    const r = await h.call('POST', 'cloudvm/search', {});
    expect(r.status).toBe(200);
    expect(r.env).toEqual({ result: '1', resultinfo: 'busy' });
    await fault({ op: 'cloudvm.search', kind: 'refuse', code: '1003', message: 'token gone', times: 1 });
    expect((await h.call('POST', 'cloudvm/search', {})).env).toEqual({ result: '1003', resultinfo: 'token gone' });
    expect((await h.call('POST', 'cloudvm/search', {})).env.result).toBe('0');
  });

  it('answers gateway errors, rate limits and timeouts with their HTTP status and no envelope', async () => {
    await fault({ op: 'cloudvm.get', kind: 'http_error', status: 503, times: 1 });
    const e = await h.call('GET', 'cloudvm/whatever');
    expect(e.status).toBe(503);
    expect(e.text).toBe('Service Unavailable');
    await fault({ op: 'cloudvm.search', kind: 'rate_limit', retryAfterSec: 3, times: 1 });
    const rl = await h.call('POST', 'cloudvm/search', {});
    expect(rl.status).toBe(429);
    expect(rl.headers['retry-after']).toBe('3');
    await fault({ op: 'cloudvm.model', kind: 'timeout', holdMs: 20, times: 1 });
    const t = await h.call('GET', 'cloudvm/model');
    expect(t.status).toBe(504);
    expect(t.env).toBeUndefined();
  });

  it('answers malformed bodies inside the Base64: truncated JSON or an object without result', async () => {
    await fault({ op: 'cloudvm.search', kind: 'malformed', malformed: 'invalid_json', times: 1 });
    const bad = await h.call('POST', 'cloudvm/search', {});
    expect(bad.status).toBe(200);
    const text = Buffer.from(bad.text, 'base64').toString('utf8');
    expect(text.startsWith('{"result":"0"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    await fault({ op: 'cloudvm.search', kind: 'malformed', malformed: 'wrong_shape', times: 1 });
    const odd = await h.call('POST', 'cloudvm/search', {});
    expect(odd.env).toBeDefined();
    expect(odd.env.result).toBeUndefined();
  });

  it('acts on a create whose answer is lost', async () => {
    await fault({ op: 'cloudvm.create', kind: 'lost_answer', holdMs: 0, times: 1 });
    const url = `${h.sim.baseUrl}${DEMO_BASE_PATH}/cloudvm/create`;
    const body = new URLSearchParams({ KEY_PARAM: b64(vmSpec('lost-1')) }).toString();
    await expect(
      request(url, {
        method: 'POST',
        headers: { KEY_TOKEN: DEMO_TENANT.token, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }).then((r) => r.body.text()),
    ).rejects.toThrow();
    const found = await h.ok('POST', 'cloudvm/search', { 'vm.name': 'lost-1' });
    expect(found.dataCount).toBe(1);
  });

  it('never faults the control API', async () => {
    await fault({ op: '*', kind: 'http_error' });
    expect((await h.ctl('GET', '/starvcenter/jobs')).status).toBe(200);
    expect((await h.call('GET', 'cloudvm/model')).status).toBe(500);
  });
});
