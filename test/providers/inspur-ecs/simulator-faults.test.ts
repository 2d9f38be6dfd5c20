/**
 * Injected faults rendered in the Inspur ECS wire, per-item faults of batch calls, and the
 * control API for this platform: reset and seeds, delays, forced statuses, the clock, calls.
 */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEMO_FAST_DELAYS,
  DEMO_SERVERS,
  DEMO_TOKEN,
  createInspurEcsSimulator,
} from '../../../src/providers/inspur-ecs/simulator.ts';
import { startSimulator } from '../../../src/sim/index.ts';
import { DELAYS, type InspurSim, refusalOf, startInspur } from './simulator-harness.ts';

const [WEB1, WEB2, DB1] = DEMO_SERVERS.map((s) => s.id as string) as [string, string, string];

let s: InspurSim;
beforeAll(async () => {
  s = await startInspur();
});
afterAll(() => s.close());
beforeEach(() => s.reset());

const fault = async (rule: Record<string, unknown>) =>
  expect((await s.control('POST', '/faults', rule)).status).toBe(201);
const get = () => s.call('GET', `/v1/servers/${WEB1}`);
const taskOf = async (id: string) => (await s.call('GET', `/v1/servers/${id}`)).json.data.server.task_state;

describe('faults in the envelope (A39)', () => {
  it('renders a refusal with the rule’s code, or 101.001040 “operation failed” by default', async () => {
    await fault({ op: 'servers.get', kind: 'refuse', times: 1 });
    expect(refusalOf(await get())).toEqual({ status: 400, code: '101.001040', message: '操作失败', data: null });
    await fault({ op: 'servers.get', kind: 'refuse', status: 400, code: '101.001002', message: 'bad', times: 1 });
    expect(refusalOf(await get())).toEqual({ status: 400, code: '101.001002', message: 'bad', data: null });
    expect((await get()).status).toBe(200);
  });

  it('renders gateway failures with the HTTP status as the code', async () => {
    await fault({ op: 'servers.get', kind: 'http_error', status: 503, times: 1 });
    expect(refusalOf(await get())).toEqual({ status: 503, code: '503', message: 'Service Unavailable', data: null });
    await fault({ op: 'servers.get', kind: 'rate_limit', retryAfterSec: 7, times: 1 });
    const limited = await get();
    expect(refusalOf(limited)).toEqual({ status: 429, code: '429', message: 'Too Many Requests', data: null });
    expect(limited.headers['retry-after']).toBe('7');
    await fault({ op: 'servers.get', kind: 'timeout', holdMs: 20, times: 1 });
    expect(refusalOf(await get())).toEqual({ status: 504, code: '504', message: 'Gateway Timeout', data: null });
  });

  it('sends malformed answers: broken JSON, or a body without the envelope', async () => {
    await fault({ op: 'servers.list', kind: 'malformed', malformed: 'invalid_json', times: 1 });
    const broken = await s.call('GET', '/v1/servers/1/10');
    expect(broken.status).toBe(200);
    expect(broken.json).toBeUndefined();
    expect(broken.text.startsWith('{"code":200')).toBe(true);
    await fault({ op: 'servers.list', kind: 'malformed', malformed: 'wrong_shape', times: 1 });
    const shapeless = await s.call('GET', '/v1/servers/1/10');
    expect(shapeless.json).toEqual({ unexpected: true, data: 'not-an-object' });
  });

  it('acts on a call whose answer is lost', async () => {
    await fault({ op: 'servers.stop', kind: 'lost_answer', times: 1 });
    await expect(s.call('POST', `/v1/servers/${WEB1}/action`, { 'os-stop': {} })).rejects.toThrow();
    expect(await taskOf(WEB1)).toBe('powering-off');
  });

  it('matches rules by operation name and wildcard, after a number of calls, a number of times', async () => {
    await fault({ op: 'images.*', kind: 'http_error', after: 1, times: 2 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await s.call('GET', '/v1/images')).status);
    expect(codes).toEqual([200, 500, 500, 200]);
    expect((await s.call('GET', '/v1/servers/1/1')).status).toBe(200);
    const { counts, recent } = (await s.control('GET', '/calls')).json;
    expect(counts).toMatchObject({ 'images.list': 4, 'servers.list': 1 });
    expect(recent.filter((c: { fault: string | null }) => c.fault === 'http_error')).toHaveLength(2);
  });

  it('fails one server of a batch with a per-item rule: the batch is refused naming it, nothing acts (A14)', async () => {
    await fault({ op: 'servers.batch_stop.item', key: WEB2, kind: 'refuse', times: 1 });
    const r = await s.call('POST', '/v1/servers/action', { 'os-stop': { servers: [{ id: WEB1 }, { id: WEB2 }] } });
    expect(refusalOf(r)).toEqual({
      status: 400,
      code: '101.001040',
      message: '操作失败',
      data: { servers: [{ id: WEB2 }] },
    });
    expect(await taskOf(WEB1)).toBeNull();
    expect(
      (await s.call('POST', '/v1/servers/action', { 'os-stop': { servers: [{ id: WEB1 }, { id: WEB2 }] } })).status,
    ).toBe(200);
    expect(await taskOf(WEB2)).toBe('powering-off');
  });

  it('counts one image as failed in a batch delete with a per-item rule', async () => {
    const made = [];
    for (const name of ['a', 'b']) {
      const r = await s.call('POST', `/v1/servers/${WEB1}/action`, { createImage: { name, description: '' } });
      made.push(r.json.data.image_id as string);
    }
    await s.advance(DELAYS.imageQueueMs + DELAYS.imageSaveMs);
    await fault({ op: 'images.batch_delete.item', key: made[1], kind: 'refuse' });
    const r = await s.call('POST', '/v1/images/delete', { images: made.map((id) => ({ id })) });
    expect(r.json.data.status).toBe('删除成功1台,删除失败1台');
    expect((await s.call('GET', `/v1/images/${made[1]}`)).json.data.status).toBe('active');
  });
});

describe('control API for this platform', () => {
  it('resets to the seeded servers and images, and draws the same ids from the same seed', async () => {
    const imageOf = async (sim: InspurSim) =>
      (await sim.call('POST', `/v1/servers/${WEB1}/action`, { createImage: { name: 'x', description: '' } })).json.data
        .image_id as string;
    const first = await imageOf(s);
    await s.control('POST', '/servers/seed', { count: 5 });
    await s.reset();
    expect((await s.call('GET', '/v1/servers/1/50')).json.data.totalCount).toBe(3);
    expect((await s.call('GET', '/v1/images')).json.data.totalCount).toBe(4);
    expect(await imageOf(s)).toBe(first);
    const twin = await startInspur();
    try {
      expect(await imageOf(twin)).toBe(first);
      await twin.reset(99);
      expect(await imageOf(twin)).not.toBe(first);
    } finally {
      await twin.close();
    }
  });

  it('tunes the delays over the control API, this platform’s image delays included', async () => {
    const patched = await s.control('PATCH', '/config', { delays: { stopMs: 10, imageQueueMs: 0, imageSaveMs: 5 } });
    expect(patched.json.delays).toMatchObject({ stopMs: 10, imageQueueMs: 0, imageSaveMs: 5 });
    await s.call('POST', `/v1/servers/${WEB1}/action`, { 'os-stop': {} });
    await s.advance(10);
    expect((await get()).json.data.server.status).toBe('shutoff');
    const id = (await s.call('POST', `/v1/servers/${WEB1}/action`, { createImage: { name: 'q', description: '' } }))
      .json.data.image_id;
    expect((await s.call('GET', `/v1/images/${id}`)).json.data.status).toBe('saving');
    await s.advance(5);
    expect((await s.call('GET', `/v1/images/${id}`)).json.data.status).toBe('active');
  });

  it('forces any documented status, in any case, and shows the platform’s status string', async () => {
    const forced = await s.control('POST', `/instances/${WEB2}/force`, { status: 'resize' });
    expect(forced.json.status).toBe('resize');
    expect((await s.call('GET', `/v1/servers/${WEB2}`)).json.data.server.status).toBe('resize');
    expect((await s.control('POST', `/instances/${WEB2}/force`, { status: 'SLEEPING' })).status).toBe(400);
    const listed = (await s.control('GET', '/instances')).json.items.map((i: { name: string; status: string }) => [
      i.name,
      i.status,
    ]);
    expect(listed).toEqual([
      ['demo-web-1', 'active'],
      ['demo-web-2', 'resize'],
      ['demo-db-1', 'shutoff'],
    ]);
    // An out-of-band delete: the server is gone from the platform's answers.
    await s.control('POST', `/instances/${DB1}/force`, { to: 'gone' });
    expect(refusalOf(await s.call('GET', `/v1/servers/${DB1}`))).toMatchObject({ code: '101.001033' });
  });

  it('seeds servers through the engine’s own route with every field defaulted', async () => {
    const r = await s.control('POST', '/instances', {
      tenant: '5f0c2a7e94b14d2c8e61a3b9d07f4c15',
      name: 'bare',
      state: 'stopped',
    });
    expect(r.status).toBe(201);
    const server = (await s.call('GET', `/v1/servers/${r.json.id}`)).json.data.server;
    expect(server).toMatchObject({
      name: 'bare',
      status: 'shutoff',
      flavor: { original_name: 's1.small.1' },
      feeData: { chargetype: 'monthly' },
    });
  });

  it('validates seeds and refuses an id already taken', async () => {
    expect((await s.control('POST', '/servers/seed', { count: 0 })).status).toBe(400);
    expect((await s.control('POST', '/servers/seed', { servers: [{ name: 'x', status: 'NAPPING' }] })).status).toBe(
      400,
    );
    expect((await s.control('POST', '/servers/seed', { servers: [{ id: WEB1, name: 'dup' }] })).status).toBe(409);
  });

  it('refuses to move a real clock, and runs transitions to completion on it with fast delays', async () => {
    const { app } = createInspurEcsSimulator({ config: { delays: DEMO_FAST_DELAYS } });
    const live = await startSimulator(app);
    const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await request(`${live.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.statusCode, json: (await res.body.json()) as any };
    };
    try {
      expect((await call('POST', '/_sim/clock', { advanceMs: 1 })).status).toBe(409);
      expect((await call('POST', `/v1/servers/${WEB1}/action`, { 'os-stop': {} })).status).toBe(200);
      await vi.waitFor(
        async () => expect((await call('GET', `/v1/servers/${WEB1}`)).json.data.server.status).toBe('shutoff'),
        {
          timeout: 5000,
          interval: 25,
        },
      );
    } finally {
      await live.close();
    }
  });
});
