import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

let iso: Isolated;
let t: TestApp;
beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
});
afterAll(async () => {
  await t?.close();
  await iso?.close();
});

describe('health and readiness', () => {
  it('is alive', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when Postgres and Redis answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', checks: { postgres: { ok: true }, redis: { ok: true } } });
  });

  it('is not ready when Redis is unreachable, and says which dependency failed', async () => {
    // A port nothing listens on: a real refused connection, not a mock.
    const down = await startTestApp(iso, { redisUrl: 'redis://127.0.0.1:1' });
    try {
      const res = await down.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json()).toMatchObject({ checks: { postgres: { ok: true }, redis: { ok: false } } });
      expect(res.json().detail).toContain('redis');
    } finally {
      await down.close();
    }
  });

  it('counts served requests in the metrics by route template', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} \d+/,
    );
  });
});
