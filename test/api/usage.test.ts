/**
 * GET /v1/usage: machine-hours per day from both sources in one answer. A BridgX account's
 * figures come from its platform's cost API (days in UTC+08:00): machines started and removed at
 * known times on the simulator's manual clock. An H3C account's come from the instance records'
 * lifetimes (days in UTC): records with known launch and delete times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../src/domain/machine-spec.ts';
import { DEMO_IMAGE } from '../../src/providers/bridgx/simulator.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startH3c, type H3cHarness } from '../support/h3c.ts';
import {
  BASE_OPTIONS,
  PASSWORD,
  TOKEN_CREDENTIALS,
  startBridgx,
  type BridgxHarness,
} from '../providers/bridgx/harness.ts';

const HOUR = 3_600_000;
// 10:00 in UTC+08:00 on 2026-03-10.
const T0 = Date.parse('2026-03-10T02:00:00Z');

let iso: Isolated;
let t: TestApp;
let bx: BridgxHarness;
let h3c: H3cHarness;
let bridgxAccount: string;
let h3cAccount: string;

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  bx = await startBridgx({ timing: { taskStartMs: 0 }, config: { delays: { bootMs: 0, deleteMs: 0 } } });
  h3c = await startH3c();
  const at = (ms: number) => bx.control('POST', '/clock', { setMs: ms });
  const p = bx.provider().provider;
  const members = async () => (await p.listGroupMembers('cp-usage')).map((m) => m.providerId).sort();
  // On the platform: two machines 10:00–11:00 and 10:00–01:00 next day, a third 23:00–01:00.
  await at(T0);
  const spec = MachineSpec.parse({ instanceType: 'ecs.n1.tiny', image: DEMO_IMAGE, login: { password: PASSWORD } });
  await p.createGroup({ name: 'cp-usage', namePrefix: 'cp', spec, tags: {} });
  await p.expandGroup({ groupId: 'cp-usage', count: 2, requestId: 'usage-1' });
  const [a, b] = (await members()) as [string, string];
  await at(T0 + HOUR);
  await p.shrinkGroup({ groupId: 'cp-usage', instanceIds: [a], requestId: 'usage-2' });
  await at(T0 + 13 * HOUR);
  await p.expandGroup({ groupId: 'cp-usage', count: 1, requestId: 'usage-3' });
  const c = (await members()).find((id) => id !== b)!;
  await at(T0 + 15 * HOUR);
  await p.shrinkGroup({ groupId: 'cp-usage', instanceIds: [b, c], requestId: 'usage-4' });

  const made = await t.call('POST', '/v1/accounts', {
    name: 'bridgx-usage',
    provider: 'bridgx',
    endpoint: bx.baseUrl,
    credentials: TOKEN_CREDENTIALS,
    options: BASE_OPTIONS,
  });
  expect(made.status).toBe(201);
  bridgxAccount = made.body.id;
  const other = await t.call('POST', '/v1/accounts', h3c.account('h3c-usage'));
  h3cAccount = other.body.id;
  // In the records: one machine 2026-03-10 20:00Z → 2026-03-11 02:00Z, one launched 03-11 22:00Z, still there.
  await t.prisma.instance.createMany({
    data: [
      {
        accountId: h3cAccount,
        providerId: 'vm-a',
        status: 'deleted',
        statusRaw: 'DELETED',
        launchedAt: new Date('2026-03-10T20:00:00Z'),
        firstSeenAt: new Date('2026-03-10T20:00:05Z'),
        lastSeenAt: new Date('2026-03-11T02:00:00Z'),
        deletedAt: new Date('2026-03-11T02:00:00Z'),
      },
      {
        accountId: h3cAccount,
        providerId: 'vm-b',
        status: 'running',
        statusRaw: 'ACTIVE',
        launchedAt: new Date('2026-03-11T22:00:00Z'),
        firstSeenAt: new Date('2026-03-11T22:00:00Z'),
        lastSeenAt: new Date(),
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await bx?.close();
  await h3c?.close();
  await iso?.close();
});

describe('GET /v1/usage', () => {
  it('answers both sources, each row naming its source and the zone of its day', async () => {
    const res = await t.call('GET', '/v1/usage?from=2026-03-10&to=2026-03-11&groupBy=account');
    expect(res.status).toBe(200);
    const row = (day: string, accountId: string) =>
      res.body.items.find((r: { day: string; accountId: string }) => r.day === day && r.accountId === accountId);
    // The cost API: 03-10 has 1 h + 14 h + 1 h; 03-11 has 1 h + 1 h (UTC+08:00 days).
    expect(row('2026-03-10', bridgxAccount)).toMatchObject({
      machineHours: 16,
      machines: 3,
      source: 'platform',
      timeZone: '+08:00',
    });
    expect(row('2026-03-11', bridgxAccount)).toMatchObject({ machineHours: 2, machines: 2, source: 'platform' });
    // The lifetimes: 4 h on 03-10, 2 h + 2 h on 03-11 (UTC days).
    expect(row('2026-03-10', h3cAccount)).toMatchObject({
      machineHours: 4,
      machines: 1,
      source: 'lifetimes',
      timeZone: 'UTC',
    });
    expect(row('2026-03-11', h3cAccount)).toMatchObject({ machineHours: 4, machines: 2, source: 'lifetimes' });
  });

  it('filters by account and sums by day', async () => {
    const res = await t.call('GET', `/v1/usage?from=2026-03-10&to=2026-03-10&account=${h3cAccount}`);
    expect(res.body.items).toEqual([
      {
        day: '2026-03-10',
        accountId: null,
        templateId: null,
        machineHours: 4,
        machines: 1,
        source: 'lifetimes',
        timeZone: 'UTC',
      },
    ]);
  });

  it('refuses a range backwards or longer than a year, as a problem', async () => {
    expect((await t.call('GET', '/v1/usage?from=2026-03-11&to=2026-03-10')).status).toBe(422);
    expect((await t.call('GET', '/v1/usage?from=2025-01-01&to=2026-03-10')).status).toBe(422);
    expect((await t.call('GET', '/v1/usage?from=yesterday&to=2026-03-10')).status).toBe(422);
  });
});
