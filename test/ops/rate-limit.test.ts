/**
 * Per-API-key request limits: counted in Redis, so two API processes share
 * one budget per key; one key limited does not limit another; the 429 is a
 * problem with Retry-After and the RateLimit headers; probes and scrapes are
 * exempt; a refused request changes nothing; and a Redis that cannot answer
 * lets requests through rather than failing them.
 */
import { request } from 'undici';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { startPrivateRedis } from '../support/private-stores.ts';
import { adminKey, startApiProcess } from './api-process.ts';
import { total } from './prometheus-text.ts';

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

async function get(url: string, key?: string) {
  const res = await request(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : null };
}

describe('two API processes, 5 requests a minute per key', () => {
  it('limits a key across both processes, while another key is still served', async () => {
    const env = { CLOUDPLANE_ADMIN_API_KEY: adminKey(), CLOUDPLANE_RATE_LIMIT_PER_MINUTE: '5' };
    // One after the other: the first registers the bootstrap admin key.
    const a = await startApiProcess(iso, env);
    const b = await startApiProcess(iso, env);
    const busy = (await t.apiKeys.create('busy-pipeline', ['read'])).key;
    const quiet = (await t.apiKeys.create('quiet-dashboard', ['read'])).key;

    // 1. five requests of one key, alternating processes: each counts against the one shared budget
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await get(`${(i % 2 ? b : a).url}/v1/providers`, busy);
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-policy']).toBe('"per-key";q=5;w=60');
      remaining.push(String(res.headers['ratelimit']).split(';')[1]!);
    }
    expect(remaining).toEqual(['r=4', 'r=3', 'r=2', 'r=1', 'r=0']);

    // 2. the sixth, on either process, is refused as a problem with Retry-After
    for (const p of [a, b]) {
      const refused = await get(`${p.url}/v1/providers`, busy);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ type: '/problems/rate-limited', status: 429, limit: 5, windowSeconds: 60 });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers['ratelimit']).toBe(`"per-key";r=0;t=${retryAfter}`);
    }

    // 3. another key is served by both, with a budget of its own
    expect((await get(`${a.url}/v1/providers`, quiet)).headers['ratelimit']).toMatch(/^"per-key";r=4;t=\d+$/);
    expect((await get(`${b.url}/v1/providers`, quiet)).status).toBe(200);

    // 4. probes and scrapes are never limited
    for (let i = 0; i < 8; i++) {
      expect((await get(`${a.url}/healthz`)).status).toBe(200);
      expect((await get(`${a.url}/readyz`)).status).toBe(200);
      const metrics = await request(`${a.url}/metrics`);
      expect(metrics.statusCode).toBe(200);
      await metrics.body.dump();
    }
    const scraped = await (await request(`${a.url}/metrics`)).body.text();
    expect(total(scraped, 'cloudplane_rate_limited_total', { keyed_by: 'api_key' })).toBe(1);

    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(await b.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});

describe('in one process', () => {
  it('refuses a POST over the limit before it changes anything', async () => {
    const app = await startTestApp(iso, { rateLimit: { max: 2, windowMs: 60_000 } });
    try {
      const admin = (await t.apiKeys.create('admin-over-limit', ['admin'])).key;
      const post = () =>
        app.app.inject({
          method: 'POST',
          url: '/v1/api-keys',
          headers: { authorization: `Bearer ${admin}` },
          payload: { name: 'made-by-a-limited-key', scopes: ['read'] },
        });
      expect((await post()).statusCode).toBe(201);
      expect((await post()).statusCode).toBe(201);
      const keysBefore = await app.prisma.apiKey.count();
      const third = await post();
      expect(third.statusCode).toBe(429);
      expect(third.json()).toMatchObject({ type: '/problems/rate-limited' });
      expect(await app.prisma.apiKey.count()).toBe(keysBefore);
    } finally {
      await app.close();
    }
  });

  it('counts requests of one key that arrive together one by one: each its own place, none over', async () => {
    const app = await startTestApp(iso, { rateLimit: { max: 10, windowMs: 60_000 } });
    try {
      const key = (await t.apiKeys.create('burst', ['read'])).key;
      const answers = await Promise.all(
        Array.from({ length: 14 }, () =>
          app.app.inject({ method: 'GET', url: '/v1/providers', headers: { authorization: `Bearer ${key}` } }),
        ),
      );
      expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(10);
      expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(4);
      const remaining = answers
        .filter((a) => a.statusCode === 200)
        .map((a) => Number(/r=(\d+)/.exec(String(a.headers['ratelimit']))![1]))
        .sort((x, y) => x - y);
      expect(remaining).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await app.close();
    }
  });

  it('gives a key its own limit when configured (0: none), and limits requests without a key by address', async () => {
    const special = await t.apiKeys.create('special', ['read']);
    const unlimited = await t.apiKeys.create('unlimited', ['read']);
    const app = await startTestApp(iso, {
      rateLimit: { max: 1, windowMs: 60_000, perKey: { [special.view.id]: 3, [unlimited.view.id]: 0 } },
    });
    try {
      const as = (key?: string) =>
        app.app.inject({ method: 'GET', url: '/v1/providers', headers: key ? { authorization: `Bearer ${key}` } : {} });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await as(special.key)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      for (let i = 0; i < 3; i++) {
        const res = await as(unlimited.key);
        expect(res.statusCode).toBe(200);
        expect(res.headers['ratelimit']).toBeUndefined();
      }
      const docs = () => app.app.inject({ method: 'GET', url: '/openapi.json' });
      expect((await docs()).statusCode).toBe(200);
      const second = await docs();
      expect(second.statusCode).toBe(429);
      expect(second.headers['ratelimit-policy']).toBe('"per-key";q=1;w=60');
    } finally {
      await app.close();
    }
  });

  it('lets requests through when Redis cannot count them, and counts that', async () => {
    // The limiter's Redis is a port nobody listens on; everything else is healthy.
    const app = await startTestApp(iso, {
      rateLimit: { max: 1, windowMs: 60_000, redisUrl: 'redis://127.0.0.1:1' },
    });
    try {
      const key = (await t.apiKeys.create('while-redis-is-away', ['read'])).key;
      for (let i = 0; i < 3; i++) {
        const res = await app.app.inject({
          method: 'GET',
          url: '/v1/providers',
          headers: { authorization: `Bearer ${key}` },
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers['ratelimit']).toBeUndefined();
      }
      const text = (await app.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(total(text, 'cloudplane_rate_limit_skipped_total')).toBe(3);
    } finally {
      await app.close();
    }
  });

  it('serves requests unchecked when a connected Redis stops answering, without waiting for it', async () => {
    const redis = await startPrivateRedis();
    const app = await startTestApp(iso, { rateLimit: { max: 100, windowMs: 60_000, redisUrl: redis.url } });
    const admin = new Redis(redis.url);
    try {
      const key = (await t.apiKeys.create('while-redis-stalls', ['read'])).key;
      const send = () =>
        app.app.inject({ method: 'GET', url: '/v1/providers', headers: { authorization: `Bearer ${key}` } });
      await vi.waitFor(async () => expect((await send()).headers['ratelimit']).toBeDefined());
      const skipped = async () =>
        total((await app.app.inject({ method: 'GET', url: '/metrics' })).body, 'cloudplane_rate_limit_skipped_total');
      const before = await skipped();

      // Every client's commands wait for 2 s (an admin's too); the limiter's deadline is 250 ms.
      await admin.call('CLIENT', 'PAUSE', '2000', 'ALL');
      const started = performance.now();
      // One count on the way, then two more of the same key queued behind it: none waits for Redis.
      const answers = await Promise.all([send(), send(), send()]);
      expect(performance.now() - started).toBeLessThan(1_500);
      for (const res of answers) {
        expect(res.statusCode).toBe(200);
        expect(res.headers['ratelimit']).toBeUndefined();
      }
      expect((await skipped()) - before).toBe(3);

      // Counted again once Redis answers.
      await vi.waitFor(async () => expect((await send()).headers['ratelimit']).toBeDefined(), { timeout: 10_000 });
    } finally {
      admin.disconnect();
      await app.close();
      await redis.close();
    }
  });
});
