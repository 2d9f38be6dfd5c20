/**
 * Replicas as real processes: two workers refresh an account as one (the
 * platform sees one list pass per period), and a key revoked through one API
 * process is refused by another within a second.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startH3c, type H3cHarness } from '../support/h3c.ts';
import { freePort } from '../support/private-stores.ts';
import { spawnRole, type RoleProcess } from '../support/processes.ts';
import { simControl, type SimControl } from '../support/sim-control.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;
let control: SimControl;
const started: RoleProcess[] = [];

const LIST_PERIOD_MS = 1_000;

function start(role: 'api' | 'worker', extra: Record<string, string> = {}) {
  const proc = spawnRole(role, {
    DATABASE_URL: iso.config.databaseUrl,
    REDIS_URL: iso.config.redisUrl,
    CLOUDPLANE_REDIS_PREFIX: iso.config.redisPrefix,
    CLOUDPLANE_SECRET_KEY: iso.config.secretKey.toString('hex'),
    CLOUDPLANE_INVENTORY_TTL_SECONDS: String(LIST_PERIOD_MS / 1000),
    CLOUDPLANE_MIGRATE_ON_START: 'false',
    LOG_LEVEL: 'warn',
    ...extra,
  });
  started.push(proc);
  return proc;
}

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startH3c();
  control = simControl(sim.baseUrl);
});

afterAll(async () => {
  for (const p of started) p.child.kill('SIGTERM');
  await Promise.all(started.map((p) => p.exited));
  await t?.close();
  await sim?.close();
  await iso?.close();
});

describe('two worker processes', () => {
  it('refresh an account as one refresher: one list pass per period, records kept current', async () => {
    const account = await t.call('POST', '/v1/accounts', sim.account('replicas-lab'));
    expect(account.status).toBe(201);
    const seeded = await control('POST', '/instances', { tenant: sim.defaultProjectId, name: 'db-1' });
    start('worker');
    start('worker');
    // 1. the record appears with no read asking for it
    await vi.waitFor(async () => expect(await t.prisma.instance.count({ where: { providerId: seeded.id } })).toBe(1), {
      timeout: 60_000,
      interval: 200,
    });
    // 2. over several periods, list passes come one per period, not one per worker
    await control('DELETE', '/calls');
    const since = Date.now();
    type Call = { op: string; at: number };
    const lists = async () =>
      ((await control('GET', '/calls?limit=2000')) as { recent: Call[] }).recent.filter((c) =>
        c.op.startsWith('servers.list'),
      );
    await vi.waitFor(async () => expect((await lists()).length).toBeGreaterThanOrEqual(4), {
      timeout: 20_000,
      interval: 200,
    });
    const calls = await lists();
    const elapsed = Date.now() - since;
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(elapsed / LIST_PERIOD_MS) + 1);
    // Two refreshers would send their passes together; one per period leaves a period between them,
    // less how much longer one pass took to reach the platform than the next (a fresh process logs in).
    const at = calls.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThan(LIST_PERIOD_MS * 0.3);
  }, 120_000);
});

describe('a second API process', () => {
  it('refuses a key revoked through the first within a second', async () => {
    const port = await freePort();
    start('api', { PORT: String(port), HOST: '127.0.0.1' });
    const { key, view } = await t.apiKeys.create('revoked-soon', ['read']);
    const get = async () =>
      (await request(`http://127.0.0.1:${port}/v1/providers`, { headers: { authorization: `Bearer ${key}` } }))
        .statusCode;
    await vi.waitFor(async () => expect(await get().catch(() => 0)).toBe(200), { timeout: 60_000, interval: 200 });
    // The second process now holds the key in memory; it is revoked through the first.
    expect((await t.call('DELETE', `/v1/api-keys/${view.id}`)).status).toBe(200);
    const revokedAt = Date.now();
    await vi.waitFor(async () => expect(await get()).toBe(401), { timeout: 1_000, interval: 20 });
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  }, 120_000);
});
