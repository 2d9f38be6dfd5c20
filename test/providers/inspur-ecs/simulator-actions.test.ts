/**
 * Single-server actions of the Inspur ECS simulator over HTTP: start, stop and reboot with
 * their preconditions and transitions on a manual clock, the console URL, and create-image
 * with the image's own lifecycle. Batches are in simulator-batch.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SERVERS } from '../../../src/providers/inspur-ecs/simulator.ts';
import { DELAYS, type InspurSim, refusalOf, startInspur } from './simulator-harness.ts';

const [WEB1, WEB2, DB1] = DEMO_SERVERS.map((s) => s.id as string) as [string, string, string];
const STATE = { code: '101.001012', message: '存在未知状态的云服务器，请重新选择云服务器' };

let s: InspurSim;
beforeAll(async () => {
  s = await startInspur();
});
afterAll(() => s.close());
beforeEach(() => s.reset());

const act = (id: string, body: unknown) => s.call('POST', `/v1/servers/${id}/action`, body);
const server = async (id: string) => {
  const r = await s.call('GET', `/v1/servers/${id}`);
  return { status: r.json.data.server.status as string, task: r.json.data.server.task_state as string | null };
};
const seed = async (body: Record<string, unknown>): Promise<string[]> =>
  (await s.control('POST', '/servers/seed', body)).json.ids;
const list = (ids: string[]) => ids.map((id) => ({ id }));

describe('start, stop and reboot one server (ops 3, 5, 7)', () => {
  it('stops an ACTIVE server through powering-off to shutoff after the stop delay', async () => {
    expect((await act(WEB1, { 'os-stop': {} })).json).toEqual({ code: 200, message: 'OK', data: null });
    expect(await server(WEB1)).toEqual({ status: 'active', task: 'powering-off' });
    await s.advance(DELAYS.stopMs - 1);
    expect((await server(WEB1)).task).toBe('powering-off');
    await s.advance(1);
    expect(await server(WEB1)).toEqual({ status: 'shutoff', task: null });
  });

  it('starts a SHUTOFF server through powering-on to active, and a STOPPED one too (A10)', async () => {
    expect((await act(DB1, { 'os-start': {} })).status).toBe(200);
    expect(await server(DB1)).toEqual({ status: 'shutoff', task: 'powering-on' });
    await s.advance(DELAYS.startMs);
    expect(await server(DB1)).toEqual({ status: 'active', task: null });

    await s.control('POST', `/instances/${WEB2}/force`, { status: 'STOPPED' });
    expect(await server(WEB2)).toEqual({ status: 'stopped', task: null });
    expect((await act(WEB2, { 'os-start': null })).status).toBe(200);
    await s.advance(DELAYS.startMs);
    expect((await server(WEB2)).status).toBe('active');
  });

  it('refuses start unless SHUTOFF and stop unless ACTIVE with 101.001012, also while a power task runs (A11)', async () => {
    expect(refusalOf(await act(WEB1, { 'os-start': {} }))).toEqual({ status: 400, ...STATE, data: null });
    expect(refusalOf(await act(DB1, { 'os-stop': {} }))).toMatchObject({ status: 400, ...STATE });
    await act(WEB1, { 'os-stop': {} });
    expect(refusalOf(await act(WEB1, { 'os-stop': {} }))).toMatchObject(STATE);
    expect(refusalOf(await act(WEB1, { reboot: { type: 'HARD' } }))).toMatchObject(STATE);
    await s.control('POST', `/instances/${WEB2}/force`, { status: 'PAUSED' });
    expect(refusalOf(await act(WEB2, { 'os-start': {} }))).toMatchObject(STATE);
  });

  it('soft-reboots only an ACTIVE server, through REBOOT (A11, A17)', async () => {
    for (const body of [{ reboot: { type: 'SOFT' } }, { reboot: {} }, { reboot: null }]) {
      expect((await act(WEB1, body)).json).toEqual({ code: 200, message: 'OK', data: null });
      expect(await server(WEB1)).toEqual({ status: 'reboot', task: null });
      await s.advance(DELAYS.rebootMs);
      expect(await server(WEB1)).toEqual({ status: 'active', task: null });
    }
    expect(refusalOf(await act(DB1, { reboot: { type: 'SOFT' } }))).toMatchObject(STATE);
  });

  it('hard-reboots from ACTIVE, SHUTOFF, ERROR and PAUSED into ACTIVE, but not from BUILD (A11)', async () => {
    await s.control('POST', `/instances/${WEB2}/force`, { status: 'ERROR' });
    const [paused, building] = await seed({
      servers: [
        { name: 'p', status: 'PAUSED' },
        { name: 'b', state: 'creating' },
      ],
    });
    for (const id of [WEB1, DB1, WEB2, paused!]) {
      expect((await act(id, { reboot: { type: 'HARD' } })).status).toBe(200);
      expect(await server(id)).toEqual({ status: 'hard_reboot', task: null });
    }
    await s.advance(DELAYS.rebootMs);
    for (const id of [WEB1, DB1, WEB2, paused!]) expect((await server(id)).status).toBe('active');
    expect((await server(building!)).status).toBe('build');
    expect(refusalOf(await act(building!, { reboot: { type: 'HARD' } }))).toMatchObject(STATE);
    expect(refusalOf(await act(WEB1, { reboot: { type: 'WARM' } }))).toMatchObject({
      code: '101.001002',
      message: '参数type不符合规范',
    });
  });

  it('answers 101.001033 for an unknown server, but stop answers its own 101.001013 (A12)', async () => {
    expect(refusalOf(await act('ghost', { 'os-start': {} }))).toEqual({
      status: 400,
      code: '101.001033',
      message: '云服务器ghost不存在',
      data: null,
    });
    expect(refusalOf(await act('ghost', { reboot: {} }))).toMatchObject({ code: '101.001033' });
    expect(refusalOf(await act('ghost', { 'os-stop': {} }))).toEqual({
      status: 400,
      code: '101.001013',
      message: '存在未知所属的云服务器，请重新选择云服务器',
      data: null,
    });
  });

  it('refuses to stop a server without billing information with 101.001014 (A13)', async () => {
    const [unbilled] = await seed({ servers: [{ name: 'free', billed: false }] });
    expect((await s.call('GET', `/v1/servers/${unbilled}`)).json.data.server.feeData).toBeNull();
    expect(refusalOf(await act(unbilled!, { 'os-stop': {} }))).toEqual({
      status: 400,
      code: '101.001014',
      message: '存在未付费类型的云服务器，请重新选择云服务器',
      data: null,
    });
  });

  it('dispatches on the single body key and refuses unknown, several or batch-shaped bodies (A16)', async () => {
    const action = { status: 400, code: '101.001002', message: '参数action不符合规范', data: null };
    expect(refusalOf(await act(WEB1, {}))).toEqual(action);
    expect(refusalOf(await act(WEB1, { 'os-pause': {} }))).toEqual(action);
    expect(refusalOf(await act(WEB1, { 'os-stop': {}, reboot: {} }))).toEqual(action);
    expect(refusalOf(await act(WEB1, [{ 'os-stop': {} }]))).toEqual(action);
    expect(refusalOf(await act(DB1, { 'os-start': { servers: list([DB1]) } }))).toMatchObject({
      code: '101.001002',
      message: '参数servers不符合规范',
    });
    expect((await server(DB1)).task).toBeNull();
  });
});

describe('console URL (op 9)', () => {
  it('answers a noVNC or xvpvnc URL with a fresh one-time token (A18)', async () => {
    const a = await act(WEB1, { 'os-getVNCConsole': { type: 'novnc' } });
    expect(a.json).toEqual({
      code: 200,
      message: 'Successful operation!',
      data: {
        console: {
          url: expect.stringMatching(
            /^http:\/\/console\.staging\.inspur\.com\/ecs\/vnc\/vnc_auto\.html\?token=[0-9a-f-]{36}$/,
          ),
          type: 'novnc',
        },
      },
    });
    const b = await act(WEB1, { 'os-getVNCConsole': { type: 'novnc' } });
    expect(b.json.data.console.url).not.toBe(a.json.data.console.url);
    const x = await act(WEB1, { 'os-getVNCConsole': { type: 'xvpvnc' } });
    expect(x.json.data.console).toMatchObject({
      type: 'xvpvnc',
      url: expect.stringContaining('/ecs/xvpvnc/console?token='),
    });
  });

  it('needs a valid type and an ACTIVE server', async () => {
    const bad = { status: 400, code: '101.001002', message: '参数type不符合规范', data: null };
    expect(refusalOf(await act(WEB1, { 'os-getVNCConsole': {} }))).toEqual(bad);
    expect(refusalOf(await act(WEB1, { 'os-getVNCConsole': { type: 'spice' } }))).toEqual(bad);
    expect(refusalOf(await act(DB1, { 'os-getVNCConsole': { type: 'novnc' } }))).toMatchObject(STATE);
    expect(refusalOf(await act('ghost', { 'os-getVNCConsole': { type: 'novnc' } }))).toMatchObject({
      code: '101.001033',
    });
  });
});

describe('create a private image from a server (op 12)', () => {
  const create = (id: string, body: Record<string, unknown> = {}) =>
    act(id, { createImage: { name: 'golden', description: 'from web-1', ...body } });
  const image = async (id: string) => (await s.call('GET', `/v1/images/${id}`)).json.data;

  it('answers 201 Created with the image id; the image goes queued → saving → active (A29, A34)', async () => {
    const r = await create(WEB1, { metadata: { role: 'web' } });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      code: 201,
      message: 'Created',
      data: { image_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    const id = r.json.data.image_id as string;
    expect(await image(id)).toMatchObject({
      id,
      name: 'golden',
      description: 'from web-1',
      status: 'queued',
      visibility: 'private',
      size: 0,
      checksum: '',
      locations: [],
      tags: ['SYSTEMDISK_1', 'centos7.9', 'ECS'],
      instance_uuid: WEB1,
    });
    await s.advance(DELAYS.imageQueueMs);
    expect((await image(id)).status).toBe('saving');
    await s.advance(DELAYS.imageSaveMs);
    expect(await image(id)).toMatchObject({
      status: 'active',
      size: 1_073_741_824,
      checksum: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    // A stopped server can be imaged too.
    expect((await create(DB1)).status).toBe(201);
  });

  it('ends an image killed when its name matches the configured error pattern', async () => {
    await s.control('PATCH', '/config', { createErrorNamePattern: '^doomed' });
    const id = (await create(WEB1, { name: 'doomed-1' })).json.data.image_id as string;
    await s.advance(DELAYS.imageQueueMs + DELAYS.imageSaveMs);
    expect((await image(id)).status).toBe('killed');
  });

  it('refuses a server that cannot be imaged now with 101.003011 naming its status', async () => {
    await s.control('POST', `/instances/${WEB2}/force`, { status: 'ERROR' });
    expect(refusalOf(await create(WEB2))).toEqual({
      status: 400,
      code: '101.003011',
      message: '虚机不能创建自定义镜像,状态:error',
      data: null,
    });
    await act(DB1, { 'os-start': {} });
    expect(refusalOf(await create(DB1))).toMatchObject({
      code: '101.003011',
      message: '虚机不能创建自定义镜像,状态:shutoff',
    });
  });

  it('refuses a missing name or description, another tenant_id and an unknown server', async () => {
    expect(refusalOf(await act(WEB1, { createImage: { description: 'x' } }))).toMatchObject({
      code: '101.001002',
      message: '参数name不符合规范',
    });
    expect(refusalOf(await act(WEB1, { createImage: { name: 'x' } }))).toMatchObject({
      message: '参数description不符合规范',
    });
    expect(refusalOf(await create(WEB1, { tenant_id: 'someone-else' }))).toMatchObject({
      message: '参数tenant_id不符合规范',
    });
    expect(refusalOf(await create('ghost'))).toMatchObject({ code: '101.001033' });
  });

  it('refuses with 101.003007 when the private-image quota is full', async () => {
    const small = await startInspur({ maxPrivateImages: 2 });
    try {
      const go = () =>
        small.call('POST', `/v1/servers/${WEB1}/action`, { createImage: { name: 'n', description: '' } });
      expect((await go()).status).toBe(201); // the demo tenant holds one private image already
      expect(refusalOf(await go())).toEqual({
        status: 400,
        code: '101.003007',
        message: '创建自定义镜像失败',
        data: null,
      });
    } finally {
      await small.close();
    }
  });
});
