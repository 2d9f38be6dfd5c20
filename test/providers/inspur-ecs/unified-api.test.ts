/**
 * The unified API on a platform that only manages servers that exist (Inspur ECS): what it
 * cannot do is refused when it is asked, before anything is written or sent, and its
 * page-number lists never make the gateway believe a server vanished.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_TOKEN } from '../../../src/providers/inspur-ecs/simulator.ts';
import { isolate, type Isolated } from '../../support/context.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startKind, type KindHarness } from '../../support/kinds.ts';

let iso: Isolated;
let t: TestApp;
let sim: KindHarness;
let accountId: string;

const calls = async () =>
  Object.values((await sim.control('GET', '/calls')).counts as Record<string, number>).reduce((a, b) => a + b, 0);
const count = async (op: string) => ((await sim.control('GET', '/calls')).counts as Record<string, number>)[op] ?? 0;

beforeAll(async () => {
  iso = await isolate({ CLOUDPLANE_INVENTORY_TTL_SECONDS: '0' });
  t = await startTestApp(iso);
  sim = await startKind('inspur-ecs');
  // Tags cost one call per server on this platform; these tests are about paging.
  const account = await t.call('POST', '/v1/accounts', sim.account('inspur-lab', { listTags: false }));
  expect(account.status).toBe(201);
  accountId = account.body.id;
});
afterAll(async () => {
  await t?.close();
  await sim?.close();
  await iso?.close();
});

const spec = { instanceType: 'any', image: 'any' };

describe('what the platform cannot do is refused when asked', () => {
  it('a template: 501 naming the platform and the operation, nothing stored, nothing sent', async () => {
    const before = await calls();
    const res = await t.call('POST', '/v1/templates', { name: 'never', accountId, spec });
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({
      type: '/problems/provider-unsupported',
      provider: 'inspur-ecs',
      operation: 'instances.create',
    });
    expect(await t.prisma.template.count()).toBe(0);
    expect(await calls()).toBe(before);
  });

  it('a single create: 501, nothing sent', async () => {
    const before = await calls();
    const res = await t.call('POST', '/v1/instances', { accountId, spec });
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({ provider: 'inspur-ecs', operation: 'instances.create' });
    expect(await calls()).toBe(before);
  });

  it('an expand or a shrink of a group on it (however the template came to be): 501 at submit, no task', async () => {
    const tpl = await t.prisma.template.create({ data: { name: 'legacy-row', accountId, spec } });
    for (const [path, body, operation] of [
      ['expand', { count: 2 }, 'instances.create'],
      ['shrink', { count: 1 }, 'instances.delete'],
    ] as const) {
      const res = await t.call('POST', `/v1/templates/${tpl.id}/${path}`, body);
      expect(res.status).toBe(501);
      expect(res.body).toMatchObject({ provider: 'inspur-ecs', operation });
    }
    expect(await t.prisma.task.count()).toBe(0);
    await t.prisma.template.delete({ where: { id: tpl.id } });
  });
});

describe('page-number lists', () => {
  it('list 45 servers through the unified cursor with none lost or doubled', async () => {
    await sim.control('POST', '/servers/seed', { count: 42, namePrefix: 'page' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let first = true;
    do {
      const q: string = `/v1/instances?account=${accountId}&limit=10${first ? '&refresh=true' : ''}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.call('GET', q);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { providerId: string }) => i.providerId));
      cursor = page.body.nextCursor;
      first = false;
    } while (cursor);
    const platform = (await sim.machines()).map((m) => m.id);
    expect(platform).toHaveLength(45);
    expect(seen).toHaveLength(45);
    expect(new Set(seen)).toEqual(new Set(platform));
  });

  it('marks no server deleted when servers move between pages during a sync; the ones really gone, it does', async () => {
    // 1. enough servers for three pages of the platform's largest page (100)
    await sim.control('POST', '/servers/seed', { count: 250 - (await sim.machines()).length, namePrefix: 'move' });
    await t.call('GET', `/v1/instances?account=${accountId}&limit=1&refresh=true`);
    expect(await t.prisma.instance.count({ where: { accountId, deletedAt: null } })).toBe(250);
    // The platform's own first page, in the order the adapter asks for (A66): its last 20 servers go.
    const first = await request(`${sim.baseUrl}/v1/servers/1/100?sortField=createTime&sortOrder=ascend`, {
      headers: { authorization: `Bearer ${DEMO_TOKEN}` },
    });
    const page1 = ((await first.body.json()) as { data: { servers: { id: string }[] } }).data.servers;
    const oldest = page1.slice(-20).map((m) => m.id);

    // 2. a slow sync; once its first page is read (the second is asked for), 20 servers of that page
    //    go, and the servers behind them shift left into the page already read
    await sim.control('PATCH', '/config', { latency: { fixedMs: 150 } });
    const pagesBefore = await count('servers.list');
    const getsBefore = await count('servers.get');
    const sync = t.call('GET', `/v1/instances?account=${accountId}&limit=1&refresh=true`);
    await vi.waitFor(async () => expect(await count('servers.list')).toBeGreaterThan(pagesBefore + 1), {
      timeout: 10_000,
      interval: 20,
    });
    for (const id of oldest) await sim.control('POST', `/instances/${id}/force`, { to: 'gone' });
    expect((await sync).status).toBe(200);
    await sim.control('PATCH', '/config', { latency: { fixedMs: 0 } });

    // 3. the pass missed 20 servers that are still there (they shifted into the page already read):
    //    each was asked for by id, and none is marked deleted
    expect((await count('servers.get')) - getsBefore).toBeGreaterThanOrEqual(20);
    const platform = new Set((await sim.machines()).map((m) => m.id));
    expect(platform.size).toBe(230);
    const live = await t.prisma.instance.findMany({
      where: { accountId, deletedAt: null },
      select: { providerId: true },
    });
    for (const id of platform) expect(live.some((l) => l.providerId === id)).toBe(true);

    // 4. the 20 really gone were seen on the first page of that pass; the next sync asks for them and
    //    marks exactly those deleted, because the platform says so
    await t.call('GET', `/v1/instances?account=${accountId}&limit=1&refresh=true`);
    const after = await t.prisma.instance.findMany({
      where: { accountId, deletedAt: null },
      select: { providerId: true },
    });
    expect(new Set(after.map((l) => l.providerId))).toEqual(platform);
    const gone = await t.prisma.instance.findMany({ where: { accountId, providerId: { in: oldest } } });
    expect(gone.every((g) => g.status === 'deleted' && g.deletedAt)).toBe(true);
  }, 60_000);

  it('batch-stops through the platform: the eligible servers stop, the ineligible one carries its own problem', async () => {
    await t.call('GET', `/v1/instances?account=${accountId}&limit=1&refresh=true`);
    const rows = await t.prisma.instance.findMany({
      where: { accountId, deletedAt: null },
      take: 3,
      orderBy: { providerId: 'asc' },
    });
    await sim.control('POST', `/instances/${rows[2]!.providerId}/force`, { state: 'stopped' });
    const before = await count('servers.batch_stop');
    const res = await t.call('POST', '/v1/instances/actions', { action: 'stop', ids: rows.map((r) => r.id) });
    expect(res.status).toBe(200);
    const [a, b, c] = res.body.items;
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, false]);
    expect(c.problem).toMatchObject({ status: 409, provider: 'inspur-ecs' });
    expect(c.problem.providerCode).toMatch(/001012/);
    expect(await count('servers.batch_stop')).toBeGreaterThan(before);
  });
});
