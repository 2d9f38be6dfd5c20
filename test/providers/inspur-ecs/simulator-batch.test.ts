/**
 * Batch start, stop and reboot of the Inspur ECS simulator over HTTP (ops 4, 6, 8): all or
 * nothing, the offenders named in the refusal's data, the body's shape and limits, and the
 * batch URL kept apart from the single-server one.
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
const batch = (body: unknown) => s.call('POST', '/v1/servers/action', body);
const server = async (id: string) => {
  const r = await s.call('GET', `/v1/servers/${id}`);
  return { status: r.json.data.server.status as string, task: r.json.data.server.task_state as string | null };
};
const seed = async (body: Record<string, unknown>): Promise<string[]> =>
  (await s.control('POST', '/servers/seed', body)).json.ids;
const list = (ids: string[]) => ids.map((id) => ({ id }));

describe('batch start, stop and reboot: POST /v1/servers/action (ops 4, 6, 8)', () => {
  it('starts every server of a batch and answers without data, as the example does', async () => {
    const ids = await seed({ count: 3, state: 'stopped', namePrefix: 'off' });
    const r = await batch({ 'os-start': { servers: list(ids) } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ code: 200, message: 'OK' });
    for (const id of ids) expect(await server(id)).toEqual({ status: 'shutoff', task: 'powering-on' });
    await s.advance(DELAYS.startMs);
    for (const id of ids) expect((await server(id)).status).toBe('active');
  });

  it('refuses the whole batch when one server is ineligible, names it with its status, and acts on none (A14)', async () => {
    const r = await batch({ 'os-stop': { type: 'HARD', servers: list([WEB1, DB1, WEB2]) } });
    expect(refusalOf(r)).toEqual({ status: 400, ...STATE, data: { servers: [{ id: DB1, status: 'shutoff' }] } });
    expect(await server(WEB1)).toEqual({ status: 'active', task: null });
    // The others were not touched: sent again without the offender, they stop.
    expect((await batch({ 'os-stop': { type: 'HARD', servers: list([WEB1, WEB2]) } })).status).toBe(200);
    await s.advance(DELAYS.stopMs);
    expect((await server(WEB2)).status).toBe('shutoff');
  });

  it('names unknown servers with the common 101.001033, batch stop included (A12)', async () => {
    expect(refusalOf(await batch({ 'os-start': { servers: list([DB1, 'ghost-1', 'ghost-2']) } }))).toEqual({
      status: 400,
      code: '101.001033',
      message: '云服务器ghost-1不存在',
      data: { servers: [{ id: 'ghost-1' }, { id: 'ghost-2' }] },
    });
    expect(refusalOf(await batch({ reboot: { servers: list(['ghost-1']) } }))).toMatchObject({ code: '101.001033' });
    expect(refusalOf(await batch({ 'os-stop': { servers: list([WEB1, 'ghost-1']) } }))).toEqual({
      status: 400,
      code: '101.001033',
      message: '云服务器ghost-1不存在',
      data: { servers: [{ id: 'ghost-1' }] },
    });
    expect((await server(WEB1)).task).toBeNull();
    expect((await server(DB1)).task).toBeNull();
  });

  it('refuses a batch stop holding a server without billing information with 101.001014', async () => {
    const [unbilled] = await seed({ servers: [{ name: 'free', billed: false }] });
    expect(refusalOf(await batch({ 'os-stop': { servers: list([WEB1, unbilled!]) } }))).toMatchObject({
      code: '101.001014',
      data: { servers: [{ id: unbilled }] },
    });
  });

  it('reboots by type: SOFT needs every server ACTIVE, HARD also takes a SHUTOFF one', async () => {
    expect(refusalOf(await batch({ reboot: { type: 'SOFT', servers: list([WEB1, DB1]) } }))).toMatchObject({
      ...STATE,
      data: { servers: [{ id: DB1, status: 'shutoff' }] },
    });
    expect((await batch({ reboot: { servers: list([WEB1, WEB2]) } })).status).toBe(200);
    expect((await server(WEB2)).status).toBe('reboot');
    await s.advance(DELAYS.rebootMs);
    expect((await batch({ reboot: { type: 'HARD', servers: list([WEB1, DB1]) } })).status).toBe(200);
    expect((await server(DB1)).status).toBe('hard_reboot');
    await s.advance(DELAYS.rebootMs);
    expect((await server(DB1)).status).toBe('active');
  });

  it('takes 1 to 100 servers as [{id}] nested in the action, and acts once per duplicated id', async () => {
    const servers = { status: 400, code: '101.001002', message: '参数servers不符合规范', data: null };
    expect(refusalOf(await batch({ 'os-start': { servers: [] } }))).toEqual(servers);
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `id-${i}` }));
    expect(refusalOf(await batch({ 'os-start': { servers: many } }))).toEqual(servers);
    expect(refusalOf(await batch({ 'os-start': { servers: [DB1] } }))).toMatchObject({ code: '101.001002' });
    // The single-server body on the batch URL lacks its servers.
    expect(refusalOf(await batch({ 'os-start': {} }))).toEqual(servers);
    // The table's reading (servers beside the action key) is two keys: not an action.
    expect(refusalOf(await batch({ 'os-start': {}, servers: list([DB1]) }))).toMatchObject({
      message: '参数action不符合规范',
    });
    expect((await batch({ 'os-start': { servers: list([DB1, DB1]) } })).status).toBe(200);
  });

  it('keeps the batch URL and the single-server URL apart (route precedence) and names each operation', async () => {
    await s.control('DELETE', '/calls');
    expect((await batch({ 'os-start': { servers: list([DB1]) } })).status).toBe(200);
    expect((await act(WEB1, { 'os-stop': {} })).status).toBe(200);
    // `action` after /servers/ with one more segment is a server id, not the batch URL.
    expect(refusalOf(await s.call('POST', '/v1/servers/action/action', { 'os-start': {} }))).toMatchObject({
      code: '101.001033',
      message: '云服务器action不存在',
    });
    const { counts } = (await s.control('GET', '/calls')).json;
    expect(counts).toEqual({ 'servers.batch_start': 1, 'servers.stop': 1, 'servers.start': 1 });
  });
});
