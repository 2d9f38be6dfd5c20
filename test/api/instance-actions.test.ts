/** `?wait=true` on an action: the answer waits for the state the action leads to, within its timeout. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { accountAndTemplate, startH3c, type H3cHarness } from '../support/h3c.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;
let id: string;

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startH3c({
    config: { delays: { bootMs: 200, startMs: 400, stopMs: 400, rebootMs: 400, deleteMs: 100 } },
  });
  const { template } = await accountAndTemplate(t.call, sim, 'wait');
  id = (await t.call('POST', '/v1/instances', { templateId: template.id })).body.id;
  await vi.waitFor(
    async () => expect((await t.call('GET', `/v1/instances/${id}?refresh=true`)).body.status).toBe('running'),
    {
      timeout: 10_000,
      interval: 50,
    },
  );
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
});

describe('POST /v1/instances/{id}/actions', () => {
  it('answers 202 at once with the transition under way', async () => {
    const res = await t.call('POST', `/v1/instances/${id}/actions`, { action: 'stop' });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('stopping');
    await vi.waitFor(
      async () => expect((await t.call('GET', `/v1/instances/${id}?refresh=true`)).body.status).toBe('stopped'),
      {
        timeout: 5_000,
        interval: 50,
      },
    );
  });

  it('with wait=true answers 200 once the machine reached the target state', async () => {
    const res = await t.call('POST', `/v1/instances/${id}/actions?wait=true`, { action: 'start' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('running');
  });

  it('with wait=true answers 202 with the state it saw when the timeout passes first', async () => {
    sim.engine.configure({ delays: { stopMs: 5_000 } });
    try {
      const asked = Date.now();
      const res = await t.call('POST', `/v1/instances/${id}/actions?wait=true&timeoutSeconds=1`, { action: 'stop' });
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('stopping');
      expect(Date.now() - asked).toBeLessThan(4_000);
    } finally {
      sim.engine.configure({ delays: { stopMs: 400 } });
    }
  });
});
