/**
 * Refusals over real HTTP: each action precondition, the server-level codes of the document,
 * the batch with an ineligible server, and failures the simulator injects. The platform's
 * code and message must arrive verbatim, as the raw wire says them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEMO_TENANT } from '../../../src/providers/inspur-ecs/simulator.ts';
import { rejection, serverId, startInspur, type InspurHarness } from './harness.ts';

let h: InspurHarness;
let p: Provider;

const OTHER_TENANT = { id: 'b7c9e1f3a5d74b8e9f0a1b2c3d4e5f60', name: 'other', userId: 'u-other', userName: 'other' };
const RUNNING = serverId(1);
const STOPPED = serverId(2);
const UNBILLED = serverId(3);
const FOREIGN = serverId(4);
const MISSING = serverId(999);
const FLEET = Array.from({ length: 120 }, (_, i) => serverId(100 + i));

const MSG = {
  state: '存在未知状态的云服务器，请重新选择云服务器',
  owner: '存在未知所属的云服务器，请重新选择云服务器',
  billing: '存在未付费类型的云服务器，请重新选择云服务器',
};

/** The six-digit part of a code, whichever spelling the platform uses (A42). */
const six = (code: string | undefined) => code?.replace(/^\d{3}\./, '');

beforeAll(async () => {
  h = await startInspur({
    tenants: [DEMO_TENANT, OTHER_TENANT],
    servers: [
      { id: RUNNING, name: 'cp-run' },
      { id: STOPPED, name: 'cp-off', state: 'stopped' },
      { id: UNBILLED, name: 'cp-unbilled', billed: false },
      { id: FOREIGN, name: 'cp-foreign', tenant: OTHER_TENANT.id },
      ...FLEET.map((id, i) => ({ id, name: `cp-fleet-${i}`, state: 'stopped' as const })),
    ],
  });
  ({ provider: p } = h.provider());
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('action preconditions surface the platform code and message as conflict', () => {
  it.each([
    ['start', 'needs SHUTOFF', RUNNING, { 'os-start': {} }],
    ['stop', 'needs ACTIVE', STOPPED, { 'os-stop': {} }],
    ['reboot', 'SOFT needs ACTIVE', STOPPED, { reboot: { type: 'SOFT' } }],
  ] as const)('%s (%s)', async (action, _why, id, body) => {
    const send = { start: p.startInstance, stop: p.stopInstance, reboot: p.rebootInstance }[action];
    const err = await rejection(send(id));
    const wire = await h.wire('POST', `/v1/servers/${id}/action`, body);
    expect(wire.status).toBe(400);
    expect(err).toMatchObject({
      kind: 'conflict',
      providerCode: String(wire.body.code),
      providerMessage: wire.body.message,
      httpStatus: 400,
    });
    expect(six(err.providerCode)).toBe('001012');
    expect(err.providerMessage).toBe(MSG.state);
  });

  it('reboots a stopped server when the account asks for HARD reboots', async () => {
    const { provider } = h.provider(undefined, { rebootType: 'HARD' });
    await provider.rebootInstance(STOPPED);
    expect(await provider.getInstance(STOPPED)).toMatchObject({ status: 'rebooting' });
    await h.advance(1000);
    expect(await provider.getInstance(STOPPED)).toMatchObject({ status: 'running' });
  });
});

describe('server-level codes', () => {
  it('refuses to stop a server without billing information (101.001014)', async () => {
    const err = await rejection(p.stopInstance(UNBILLED));
    expect(err).toMatchObject({ kind: 'conflict', providerCode: '101.001014', providerMessage: MSG.billing });
  });

  it("refuses to stop another tenant's server as not found (101.001013)", async () => {
    const err = await rejection(p.stopInstance(FOREIGN));
    expect(err).toMatchObject({ kind: 'not_found', providerCode: '101.001013', providerMessage: MSG.owner });
  });

  it('reports a missing server as not found (001033 at HTTP 400) and reads it as null', async () => {
    expect(await p.getInstance(MISSING)).toBeNull();
    const err = await rejection(p.startInstance(MISSING));
    expect(err.kind).toBe('not_found');
    expect(err.httpStatus).toBe(400);
    expect(six(err.providerCode)).toBe('001033');
    expect(err.providerMessage).toMatch(/^云服务器.+不存在$/);
  });
});

describe('batch actions', () => {
  it('sends one batch call when every server is eligible', async () => {
    const ids = FLEET.slice(0, 5);
    const outcomes = await p.batchAction('start', ids);
    expect(outcomes).toEqual(ids.map((instanceId) => ({ instanceId, ok: true })));
    const posts = (await h.recent()).filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.url)).toEqual(['/v1/servers/action']);
    for (const id of ids) expect(await p.getInstance(id)).toMatchObject({ status: 'starting' });
  });

  it('gives one ineligible server its own refusal and acts on the others', async () => {
    const ids = [FLEET[0]!, RUNNING, FLEET[1]!, FLEET[2]!];
    const outcomes = await p.batchAction('start', ids);
    expect(outcomes.map((o) => [o.instanceId, o.ok])).toEqual(ids.map((id) => [id, id !== RUNNING]));
    const refused = outcomes.find((o) => !o.ok)!;
    expect(six(refused.providerCode)).toBe('001012');
    expect(refused.providerMessage).toBe(MSG.state);
    expect(await p.getInstance(RUNNING)).toMatchObject({ status: 'running' });
    for (const id of [FLEET[0]!, FLEET[1]!, FLEET[2]!])
      expect(await p.getInstance(id)).toMatchObject({ status: 'starting' });
    // 1. the batch, refused as a whole; 2. one call per server to learn each outcome.
    const posts = (await h.recent()).filter((c) => c.method === 'POST').map((c) => c.url);
    expect(posts[0]).toBe('/v1/servers/action');
    expect(posts.slice(1).sort()).toEqual(ids.map((id) => `/v1/servers/${id}/action`).sort());
  });

  it('reports a missing server of a batch as not found, the others done', async () => {
    const outcomes = await p.batchAction('start', [STOPPED, MISSING]);
    expect(outcomes[0]).toEqual({ instanceId: STOPPED, ok: true });
    expect(outcomes[1]).toMatchObject({ instanceId: MISSING, ok: false });
    expect(six(outcomes[1]!.providerCode)).toBe('001033');
    // Stop's own table names 101.001013 for a server that is not the caller's or not there.
    const stopped = await p.batchAction('stop', [RUNNING, MISSING]);
    expect(stopped[0]).toEqual({ instanceId: RUNNING, ok: true });
    expect(stopped[1]).toMatchObject({ instanceId: MISSING, ok: false, providerCode: '101.001013' });
  });

  it('splits more than 100 servers into calls of at most 100', async () => {
    const outcomes = await p.batchAction('start', [...FLEET, FLEET[0]!]);
    expect(outcomes).toHaveLength(FLEET.length);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const posts = (await h.recent()).filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.url)).toEqual(['/v1/servers/action', '/v1/servers/action']);
  });

  it('stops and reboots a batch, the transitions visible on each server', async () => {
    await p.batchAction('start', FLEET.slice(0, 2));
    await h.advance(1000);
    expect((await p.batchAction('reboot', FLEET.slice(0, 2))).every((o) => o.ok)).toBe(true);
    expect(await p.getInstance(FLEET[0]!)).toMatchObject({ status: 'rebooting' });
    await h.advance(1000);
    expect((await p.batchAction('stop', FLEET.slice(0, 2))).every((o) => o.ok)).toBe(true);
    expect(await p.getInstance(FLEET[1]!)).toMatchObject({ status: 'stopping' });
  });
});
