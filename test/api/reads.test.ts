/**
 * Reads from the inventory: a machine's record answers reads with no platform
 * call, the worker's refresher keeps it current with no read asking, and a
 * live read that cannot get a slot of the account's budget answers 503 with
 * Retry-After, sending nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLeases } from '../../src/db/leases.ts';
import { refreshDue } from '../../src/inventory/instance-refresher.ts';
import { createRefreshStatus } from '../../src/inventory/refresh-status.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startH3c, type H3cHarness } from '../support/h3c.ts';
import { simControl, type SimControl } from '../support/sim-control.ts';

let iso: Isolated;
let t: TestApp;
let sim: H3cHarness;
let control: SimControl;
let accountId: string;
let instanceId: string;
let providerId: string;

const platformCalls = async (op?: string): Promise<number> => {
  const { counts } = (await control('GET', '/calls')) as { counts: Record<string, number> };
  return op ? (counts[op] ?? 0) : Object.values(counts).reduce((a, b) => a + b, 0);
};

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startH3c();
  control = simControl(sim.baseUrl);
  // One call a second: the budget is easy to spend.
  const base = sim.account('reads-lab');
  const account = await t.call('POST', '/v1/accounts', { ...base, options: { ...base.options, ratePerSecond: 1 } });
  accountId = account.body.id;
  const seeded = await control('POST', '/instances', { tenant: sim.defaultProjectId, name: 'web-1', state: 'running' });
  providerId = seeded.id;
  const listed = await t.call('GET', `/v1/instances?account=${accountId}&refresh=true`);
  expect(listed.status).toBe(200);
  instanceId = listed.body.items.find((i: { providerId: string }) => i.providerId === providerId).id;
});

afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
});

describe('reads from the records', () => {
  it('answers a get and a list with observedAt and no platform call', async () => {
    await control('DELETE', '/calls');
    const got = await t.call('GET', `/v1/instances/${instanceId}`);
    expect(got.status).toBe(200);
    expect(got.body.status).toBe('running');
    expect(Date.parse(got.body.observedAt)).toBeGreaterThan(Date.now() - 60_000);
    const listed = await t.call('GET', `/v1/instances?account=${accountId}`);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(instanceId);
    expect(listed.body.items[0].observedAt).toEqual(expect.any(String));
    expect(await platformCalls()).toBe(0);
  });

  it('keeps a record current with no read asking for it', async () => {
    // 1. the machine stops on the platform behind the gateway's back
    await control('POST', `/instances/${providerId}/force`, { state: 'stopped' });
    // 2. only the refresher runs (as the worker does each tick); nothing reads the machine through the API
    const deps = {
      prisma: t.prisma,
      records: t.services.records,
      providers: t.services.providers.withClass('background', 5_000),
      sync: t.services.sync,
      leases: createLeases(t.redis, iso.config.redisPrefix),
      status: createRefreshStatus(t.redis, iso.config.redisPrefix),
      logger: t.logger,
      settings: { listEveryMs: 500, hotEveryMs: 500 },
      isStoreOutage: () => false,
    };
    // 3. the record, read straight from Postgres, follows the platform
    await vi.waitFor(
      async () => {
        await refreshDue(deps);
        const row = await t.prisma.instance.findUniqueOrThrow({ where: { id: instanceId } });
        expect(row.status).toBe('stopped');
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});

describe('live reads through the budget', () => {
  it('answers 503 with Retry-After when the account has no call left, and sends nothing', async () => {
    // 1. a live read takes the account's one call of this second (once the refresher's second is over)
    await vi.waitFor(
      async () => expect((await t.call('GET', `/v1/instances/${instanceId}?refresh=true`)).status).toBe(200),
      { timeout: 5_000, interval: 100 },
    );
    await control('DELETE', '/calls');
    // 2. the next live read within that second cannot get a slot in its short bound
    const second = await t.call('GET', `/v1/instances/${instanceId}`, undefined, { 'cache-control': 'no-cache' });
    expect(second.status).toBe(503);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.body.type).toContain('budget-exhausted');
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(second.body.accountId).toBe(accountId);
    expect(await platformCalls()).toBe(0);
    // 3. a read from the records still answers
    expect((await t.call('GET', `/v1/instances/${instanceId}`)).status).toBe(200);
  });
});

describe('reads while a newer version migrates', () => {
  // Last in the file: it adds a column to the records table.
  it('keeps answering when a migration adds a column to the records its statements read', async () => {
    const reads = [`/v1/instances/${instanceId}`, `/v1/instances?account=${accountId}`];
    // Sequential, so the pool's connections prepare the statements and keep them.
    for (let i = 0; i < 10; i++) for (const url of reads) expect((await t.call('GET', url)).status).toBe(200);
    await t.prisma.$executeRawUnsafe('ALTER TABLE "Instance" ADD COLUMN "addedByANewerVersion" integer');
    for (let i = 0; i < 10; i++) for (const url of reads) expect((await t.call('GET', url)).status).toBe(200);
  });
});
