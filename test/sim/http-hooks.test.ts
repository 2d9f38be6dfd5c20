import Fastify from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningSimulator,
  createManualClock,
  createSimEngine,
  installPlatformHooks,
  simControlApi,
  startSimulator,
} from '../../src/sim/index.ts';

// A toy platform: one op, errors rendered as {err: code}.
function toyPlatform() {
  const clock = createManualClock();
  const engine = createSimEngine({ clock, seed: 9 });
  const app = Fastify();
  app.register(async (p) => {
    installPlatformHooks(p, { engine, renderError: (e) => ({ err: e.code ?? `E${e.status}`, text: e.message }) });
    p.get('/things', { config: { simOp: 'things.list' } }, async () => ({
      things: engine.instances.all('t').map((i) => i.name),
    }));
  });
  app.register(simControlApi, { prefix: '/_sim', engine, platformStatus: (i) => i.state.toUpperCase() });
  return { app, engine, clock };
}

describe('platform hooks and control API over HTTP', () => {
  const toy = toyPlatform();
  let sim: RunningSimulator;
  const call = (path: string, init: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; body?: unknown } = {}) =>
    request(`${sim.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined
        ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }
        : {}),
    });

  beforeAll(async () => {
    sim = await startSimulator(toy.app);
  });
  afterAll(() => sim.close());

  it('renders each fault kind through the platform hook', async () => {
    await call('/_sim/faults', {
      method: 'POST',
      body: { op: 'things.list', kind: 'http_error', status: 503, times: 1 },
    });
    await call('/_sim/faults', {
      method: 'POST',
      body: { op: 'things.list', kind: 'rate_limit', retryAfterSec: 7, times: 1 },
    });
    await call('/_sim/faults', { method: 'POST', body: { op: 'things.list', kind: 'malformed', times: 1 } });
    await call('/_sim/faults', {
      method: 'POST',
      body: { op: 'things.list', kind: 'refuse', status: 403, code: 'QUOTA', message: 'over', times: 1 },
    });
    await call('/_sim/faults', { method: 'POST', body: { op: 'things.list', kind: 'timeout', holdMs: 20, times: 1 } });
    const r1 = await call('/things');
    expect([r1.statusCode, await r1.body.json()]).toEqual([503, { err: 'E503' }]);
    const r2 = await call('/things');
    expect([r2.statusCode, r2.headers['retry-after']]).toEqual([429, '7']);
    await r2.body.dump();
    const r3 = await call('/things');
    expect(r3.statusCode).toBe(200);
    await expect(r3.body.json()).rejects.toThrow();
    const r4 = await call('/things');
    expect([r4.statusCode, await r4.body.json()]).toEqual([403, { err: 'QUOTA', text: 'over' }]);
    const r5 = await call('/things');
    expect(r5.statusCode).toBe(504);
    await r5.body.dump();
    const r6 = await call('/things');
    expect(r6.statusCode).toBe(200);
    await r6.body.dump();
    const calls = (await (await call('/_sim/calls')).body.json()) as { counts: Record<string, number> };
    expect(calls.counts['things.list']).toBe(6);
  });

  it('rejects an invalid control body with 400 and lists issues', async () => {
    const r = await call('/_sim/faults', { method: 'POST', body: { op: 'x', kind: 'nope' } });
    expect(r.statusCode).toBe(400);
    expect(await r.body.json()).toMatchObject({
      error: 'invalid',
      issues: [expect.objectContaining({ path: 'kind' })],
    });
  });

  it('seeds, forces, and advances the manual clock through the control API', async () => {
    await call('/_sim/config', { method: 'PATCH', body: { delays: { stopMs: 100 } } });
    const created = (await (
      await call('/_sim/instances', { method: 'POST', body: { tenant: 't', name: 'seeded' } })
    ).body.json()) as { id: string; status: string };
    expect(created.status).toBe('RUNNING');
    const forced = await call(`/_sim/instances/${created.id}/force`, {
      method: 'POST',
      body: { state: 'stopping', to: 'stopped', inMs: 100 },
    });
    expect(await forced.body.json()).toMatchObject({ state: 'stopping' });
    await (await call('/_sim/clock', { method: 'POST', body: { advanceMs: 100 } })).body.dump();
    const list = (await (await call('/_sim/instances?tenant=t')).body.json()) as { items: Array<{ state: string }> };
    expect(list.items).toMatchObject([{ state: 'stopped' }]);
  });

  it('latency delays calls by the configured real time', async () => {
    await (await call('/_sim/config', { method: 'PATCH', body: { latency: { fixedMs: 60 } } })).body.dump();
    const t0 = performance.now();
    await (await call('/things')).body.dump();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    await (await call('/_sim/config', { method: 'PATCH', body: { latency: { fixedMs: 0 } } })).body.dump();
  });
});

describe('a held call', () => {
  it('does not keep a closing server open', async () => {
    const toy = toyPlatform();
    const sim = await startSimulator(toy.app);
    toy.engine.faults.add({ op: 'things.list', kind: 'timeout' });
    const pending = request(`${sim.baseUrl}/things`).then(
      (r) => r.statusCode,
      (e: Error) => e.name,
    );
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 5000;
      const poll = () =>
        toy.engine.calls.count('things.list') > 0
          ? resolve()
          : Date.now() > deadline
            ? reject(new Error('no call'))
            : setImmediate(poll);
      poll();
    });
    const t0 = Date.now();
    await sim.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await pending).not.toBe(200);
  });
});
