/**
 * Store chaos: an API and a worker process on a PostgreSQL and a Redis of
 * this file's own (private ports and data folders; the machine's services
 * are never touched). Mid-expand, each store is restarted fast and taken
 * away for a long outage, and a worker is killed with SIGKILL. Every time:
 * the processes stay up (no unhandled rejection, no exit), the API answers
 * 503 problems and never a 500, work resumes within the bound after the
 * store is back, and the platform holds exactly the machines asked for.
 *
 * Figures (outage length, time to resume, answers during the outage) are
 * printed, and recorded in docs/stores.md.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startH3c, type H3cHarness } from '../support/h3c.ts';
import { freePort, startPrivatePostgres, startPrivateRedis } from '../support/private-stores.ts';
import type { PrivatePostgres, PrivateRedis } from '../support/private-stores.ts';
import { spawnRole, type RoleProcess } from '../support/processes.ts';

/** Long enough to outlast every retry a naive client would make; the "10 s outage". */
const OUTAGE_MS = Number(process.env.CHAOS_OUTAGE_MS ?? 10_000);
/** Store back → the task moves again, at most (recovery 500 ms + a sweep + a round). */
const RESUME_BOUND_MS = 8_000;
const ADMIN_KEY = `cpk_chaos_${randomBytes(12).toString('hex')}`;

let pg: PrivatePostgres;
let redis: PrivateRedis;
let sim: H3cHarness;
let api: RoleProcess;
let worker: RoleProcess;
let apiUrl: string;
let env: Record<string, string>;
let templateId: string;
const figures: string[] = [];
const exits: string[] = [];

type Json = Record<string, any>;

async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await request(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    headersTimeout: 15_000,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

const outputs: Array<{ role: string; output: () => string }> = [];

function start(role: 'api' | 'worker'): RoleProcess {
  const p = spawnRole(role, env);
  outputs.push({ role, output: p.output });
  void p.exited.then(({ code, signal }) => {
    if (signal !== 'SIGKILL' && signal !== 'SIGTERM') exits.push(`${role} exited code=${code} signal=${signal}`);
  });
  return p;
}

/** Sends probes at the API for as long as `during` runs; returns the statuses seen. */
async function probeWhile(during: Promise<unknown>, taskId: string) {
  const seen: number[] = [];
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const answers = await Promise.all([
      call('GET', `/v1/tasks/${taskId}`).catch(() => ({ status: 0 })),
      call('GET', `/v1/instances?template=${templateId}&limit=5`).catch(() => ({ status: 0 })),
    ]);
    seen.push(...answers.map((a) => a.status));
    await new Promise((r) => setTimeout(r, 100));
  }
  return seen;
}

const histogram = (statuses: number[]) =>
  Object.entries(statuses.reduce<Record<string, number>>((h, s) => ((h[s] = (h[s] ?? 0) + 1), h), {}))
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');

async function madeSoFar(taskId: string): Promise<number> {
  const items = await call('GET', `/v1/tasks/${taskId}`);
  return (items.body.counts?.succeeded ?? 0) + sim.engine.instances.all().length;
}

async function waitFinal(taskId: string, timeout = 90_000): Promise<Json> {
  let last: Json = {};
  await vi.waitFor(
    async () => {
      const res = await call('GET', `/v1/tasks/${taskId}`);
      last = res.body;
      if (!['succeeded', 'partially_succeeded', 'failed', 'cancelled'].includes(last.status))
        throw new Error(`task is ${last.status}`);
    },
    { timeout, interval: 250 },
  );
  return last;
}

/** Waits until the platform holds at least n machines (the expand is well under way). */
const platformHas = (n: number) =>
  vi.waitFor(() => expect(sim.engine.instances.all().length).toBeGreaterThanOrEqual(n), {
    timeout: 30_000,
    interval: 20,
  });

/** Time from `since` until the platform gains a machine or the task's counts move. */
async function timeToResume(taskId: string, since: number): Promise<number> {
  const before = await madeSoFar(taskId).catch(() => 0);
  await vi.waitFor(
    async () => {
      const now = await madeSoFar(taskId);
      const final = (await call('GET', `/v1/tasks/${taskId}`)).body.status === 'succeeded';
      if (now <= before && !final) throw new Error('not resumed yet');
    },
    { timeout: 60_000, interval: 50 },
  );
  return Date.now() - since;
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  // Each create takes a while, so every fault lands in the middle of a round of creates.
  sim = await startH3c({ config: { delays: { bootMs: 400, deleteMs: 100 }, latency: { fixedMs: 60 } } });
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: pg.urlFor('cloudplane'),
    REDIS_URL: redis.url,
    CLOUDPLANE_REDIS_PREFIX: 'chaos',
    CLOUDPLANE_SECRET_KEY: randomBytes(32).toString('hex'),
    CLOUDPLANE_ADMIN_API_KEY: ADMIN_KEY,
    CLOUDPLANE_STORE_RECOVERY_MS: '500',
    CLOUDPLANE_SWEEP_SECONDS: '2',
    CLOUDPLANE_JOB_LOCK_SECONDS: '4',
    CLOUDPLANE_TASK_POLL_MS: '200',
    CLOUDPLANE_ENQUEUE_TIMEOUT_MS: '1000',
    LOG_LEVEL: 'info',
  };
  api = start('api');
  await vi.waitFor(async () => expect((await call('GET', '/readyz')).status).toBe(200), {
    timeout: 60_000,
    interval: 200,
  });
  worker = start('worker');
  const account = await call(
    'POST',
    '/v1/accounts',
    sim.account('chaos-lab', {
      options: {
        ...sim.account('x').options,
        concurrency: 4,
        ratePerSecond: 20,
        listLagMs: 1_000,
      },
    }),
  );
  expect(account.status).toBe(201);
  const first = async (kind: string) =>
    (await call('GET', `/v1/accounts/${account.body.id}/${kind}`)).body.items[0].id as string;
  const spec = {
    zone: await first('zones'),
    instanceType: await first('instance-types'),
    image: await first('images'),
  };
  const template = await call('POST', '/v1/templates', { name: 'chaos', accountId: account.body.id, spec });
  expect(template.status).toBe(201);
  templateId = template.body.id;
}, 120_000);

afterAll(async () => {
  for (const p of [api, worker]) if (p && p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all([api?.exited, worker?.exited]);
  await sim?.close();
  await Promise.all([pg?.close(), redis?.close()]);
  if (figures.length) process.stdout.write(`\nstore chaos figures:\n  ${figures.join('\n  ')}\n`);
  if (process.env.CHAOS_LOG_DIR) {
    const { writeFileSync } = await import('node:fs');
    for (const [i, o] of outputs.entries())
      writeFileSync(`${process.env.CHAOS_LOG_DIR}/${i}-${o.role}.log`, o.output());
  }
});

/** After every scenario: both processes alive, nothing unhandled, every machine exactly once. */
async function assertSound(expected: number) {
  expect(exits).toEqual([]);
  for (const o of outputs) {
    expect(o.output()).not.toMatch(/unhandledRejection|uncaughtException|shutting down after an error/);
  }
  const machines = sim.engine.instances.all().filter((m) => m.state !== 'deleting');
  expect(machines).toHaveLength(expected);
  expect(new Set(machines.map((m) => m.name)).size).toBe(expected);
  // A live list is a platform call in the account's budget: right after a task it may be refused
  // with 503 and Retry-After, and a client asks again after that time, as this does.
  let listed = await call('GET', `/v1/instances?template=${templateId}&limit=500&refresh=true`);
  for (let tries = 0; listed.status === 503 && tries < 5; tries++) {
    console.log(`live list answered 503 ${listed.body.type}: ${listed.body.detail}`);
    await new Promise((r) => setTimeout(r, Number(listed.headers['retry-after'] ?? 1) * 1000));
    listed = await call('GET', `/v1/instances?template=${templateId}&limit=500&refresh=true`);
  }
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  expect(new Set(listed.body.items.map((i: Json) => i.providerId))).toEqual(new Set(machines.map((m) => m.id)));
}

let total = 0;

async function expandThrough(
  name: string,
  fault: (taskId: string) => Promise<{ outageMs: number; seen: number[] }>,
  resumeBoundMs = RESUME_BOUND_MS,
) {
  const count = 16;
  const res = await call('POST', `/v1/templates/${templateId}/expand`, { count });
  expect(res.status).toBe(202);
  total += count;
  await platformHas(total - count + 4);
  const { outageMs, seen } = await fault(res.body.id);
  const resumedMs = await timeToResume(res.body.id, Date.now());
  const final = await waitFinal(res.body.id);
  expect(final).toMatchObject({ status: 'succeeded', counts: { requested: count, succeeded: count, failed: 0 } });
  expect(seen.filter((s) => s >= 500 && s !== 503)).toEqual([]);
  figures.push(
    `${name}: outage ${outageMs} ms, resumed ${resumedMs} ms after, answers during it: ${histogram(seen) || 'none'}`,
  );
  expect(resumedMs).toBeLessThan(resumeBoundMs);
  await templateIdle();
  await assertSound(total);
}

/** Every task of the template has ended (one asked for during an outage may run after the first). */
const templateIdle = () =>
  vi.waitFor(
    async () => {
      for (const status of ['queued', 'running', 'cancelling']) {
        const open = await call('GET', `/v1/tasks?template=${templateId}&status=${status}`);
        expect(open.body.items).toEqual([]);
      }
    },
    { timeout: 60_000, interval: 250 },
  );

describe('store outages during an expand', () => {
  it('PostgreSQL restarted fast', async () => {
    await expandThrough('postgres fast restart', async (taskId) => {
      const began = Date.now();
      const outage = (async () => {
        await pg.stop('fast');
        await pg.start();
      })();
      const seen = await probeWhile(outage, taskId);
      return { outageMs: Date.now() - began, seen };
    });
  }, 120_000);

  it(`PostgreSQL away for ${OUTAGE_MS / 1000} s: 503 problems with Retry-After, never a 500`, async () => {
    await expandThrough('postgres long outage', async (taskId) => {
      await pg.stop('immediate');
      const began = Date.now();
      const down = (async () => {
        // A request during the outage: a problem, not a crash or a hang.
        await vi.waitFor(
          async () => {
            const r = await call('GET', `/v1/tasks/${taskId}`);
            expect(r.status).toBe(503);
            expect(r.headers['content-type']).toContain('application/problem+json');
            expect(r.headers['retry-after']).toBeDefined();
            expect(r.body.type).toBe('/problems/unavailable');
          },
          { timeout: 5_000, interval: 100 },
        );
        expect((await call('GET', '/readyz')).status).toBe(503);
        await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - began))));
        await pg.start();
      })();
      const seen = await probeWhile(down, taskId);
      expect(seen).toContain(503);
      return { outageMs: Date.now() - began, seen };
    });
  }, 150_000);

  it('Redis restarted fast (every key lost)', async () => {
    await expandThrough('redis fast restart', async (taskId) => {
      const began = Date.now();
      const outage = (async () => {
        await redis.stop();
        await redis.start();
      })();
      const seen = await probeWhile(outage, taskId);
      return { outageMs: Date.now() - began, seen };
    });
  }, 120_000);

  it(`Redis away for ${OUTAGE_MS / 1000} s: a POST expand answers within its bound and runs once Redis is back`, async () => {
    let queuedDuring: string | undefined;
    await expandThrough('redis long outage', async (taskId) => {
      await redis.stop();
      const began = Date.now();
      const down = (async () => {
        const asked = Date.now();
        const r = await call('POST', `/v1/templates/${templateId}/expand`, { count: 2 });
        // Committed in Postgres, answered without waiting for Redis; its job comes with the sweeper.
        expect(r.status).toBe(202);
        expect(Date.now() - asked).toBeLessThan(5_000);
        queuedDuring = r.body.id;
        total += 2;
        await vi.waitFor(async () => expect((await call('GET', '/readyz')).status).toBe(503), {
          timeout: 5_000,
          interval: 100,
        });
        await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - began))));
        await redis.start();
      })();
      const seen = await probeWhile(down, taskId);
      return { outageMs: Date.now() - began, seen };
    });
    // The expand asked for during the outage ran after the first one, once Redis was back.
    expect(await waitFinal(queuedDuring!)).toMatchObject({ status: 'succeeded', counts: { succeeded: 2 } });
    expect((await call('GET', '/readyz')).status).toBe(200);
  }, 150_000);

  it('a worker killed with SIGKILL mid-expand: the next one finishes exactly', async () => {
    await expandThrough(
      'worker SIGKILL',
      async () => {
        const began = Date.now();
        worker.child.kill('SIGKILL');
        await worker.exited;
        worker = start('worker');
        return { outageMs: Date.now() - began, seen: [] };
        // A dead worker's task waits out its job lock (4 s here), then the new process's boot.
      },
      15_000,
    );
  }, 120_000);
});
