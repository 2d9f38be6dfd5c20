/**
 * The instance list's filters and pages, over records written straight to the table: two accounts
 * on two platforms, tags, statuses, a template, deleted rows, and many rows sharing one
 * `firstSeenAt` (a list pass records a whole account at one instant). Every combination must give
 * exactly the rows a plain filter of the table gives, newest first, each once across its pages.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

let iso: Isolated;
let t: TestApp;
interface Row {
  id: string;
  accountId: string;
  provider: string;
  templateId: string | null;
  status: string;
  tags: Record<string, string>;
  firstSeenAt: Date;
  deleted: boolean;
}
const rows: Row[] = [];
const accounts: { id: string; provider: string }[] = [];
let templateId: string;

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  for (const provider of ['h3c-cloudos', 'inspur-ecs']) {
    const a = await t.prisma.account.create({
      data: { name: `list-${provider}`, provider, endpoint: 'http://127.0.0.1:1', credentialsCipher: 'x' },
    });
    accounts.push({ id: a.id, provider });
  }
  const template = await t.prisma.template.create({
    data: { name: 'list-web', accountId: accounts[0]!.id, spec: {} },
  });
  templateId = template.id;
  const same = new Date('2026-11-30T12:00:00.000Z');
  const statuses = ['running', 'stopped', 'pending'];
  for (let i = 0; i < 60; i++) {
    const account = accounts[i % 2]!;
    const row: Row = {
      id: randomUUID(),
      accountId: account.id,
      provider: account.provider,
      templateId: i % 2 === 0 && i % 3 === 0 ? templateId : null,
      status: i % 10 === 9 ? 'deleted' : statuses[i % 3]!,
      tags: i % 4 === 0 ? { team: 'web', url: 'a=b' } : { team: 'db' },
      // Half of them share one instant; ties are broken by id.
      firstSeenAt: i < 30 ? same : new Date(same.getTime() + i * 1000),
      deleted: i % 10 === 9,
    };
    rows.push(row);
    await t.prisma.instance.create({
      data: {
        id: row.id,
        accountId: row.accountId,
        templateId: row.templateId,
        providerId: `p-${i}`,
        name: `m-${i}`,
        status: row.status as 'running',
        statusRaw: row.status,
        tags: row.tags,
        privateIps: [],
        publicIps: [],
        firstSeenAt: row.firstSeenAt,
        deletedAt: row.deleted ? new Date() : null,
      },
    });
  }
});
afterAll(async () => {
  await t?.close();
  await iso?.close();
});

const newestFirst = (a: Row, b: Row) => b.firstSeenAt.getTime() - a.firstSeenAt.getTime() || (a.id < b.id ? 1 : -1);

/** Every page of a query, by its cursors. */
async function allPages(query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await t.call('GET', `/v1/instances?limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('too many pages');
}

describe('GET /v1/instances', () => {
  const cases: [string, (r: Row) => boolean][] = [
    ['', (r) => !r.deleted],
    ['includeDeleted=true', () => true],
    ['status=deleted', (r) => r.status === 'deleted'],
    ['status=running', (r) => r.status === 'running' && !r.deleted],
    ['provider=inspur-ecs', (r) => r.provider === 'inspur-ecs' && !r.deleted],
    ['tag=team%3Dweb', (r) => r.tags.team === 'web' && !r.deleted],
    ['tag=url%3Da%3Db', (r) => r.tags.url === 'a=b' && !r.deleted],
  ];
  for (const [query, keep] of cases) {
    it(`gives what a plain filter gives, newest first, each once across pages: ${query || '(no filter)'}`, async () => {
      const expected = rows
        .filter(keep)
        .sort(newestFirst)
        .map((r) => r.id);
      expect(await allPages(query, 7)).toEqual(expected);
    });
  }

  it('combines an account, a template and a status', async () => {
    const [a] = accounts;
    const expected = rows
      .filter((r) => r.accountId === a!.id && r.templateId === templateId && r.status === 'running' && !r.deleted)
      .sort(newestFirst)
      .map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(await allPages(`account=${a!.id}&template=${templateId}&status=running`, 2)).toEqual(expected);
  });

  it('names each machine with its platform', async () => {
    const res = await t.call('GET', '/v1/instances?limit=60');
    for (const item of res.body.items as { id: string; provider: string }[]) {
      expect(item.provider).toBe(rows.find((r) => r.id === item.id)!.provider);
    }
  });
});
