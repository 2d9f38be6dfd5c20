/**
 * Page-number listing over real HTTP: a 45-server inventory read page by page, each server
 * once when nothing changes; and the documented weakness (A46) that makes the paging
 * inconsistent when a server goes away mid-pass.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderInstance } from '../../../src/domain/instance.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { definitionOf } from '../../../src/providers/registry.ts';
import { serverId, startInspur, type InspurHarness } from './harness.ts';

let h: InspurHarness;
let p: Provider;
const IDS = Array.from({ length: 45 }, (_, i) => serverId(i + 1));

async function pass(pageSize: number, between?: (page: number) => Promise<void>) {
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await p.listInstances({ pageSize, ...(token ? { pageToken: token } : {}) });
    page.items.forEach((i) => ProviderInstance.parse(i));
    seen.push(...page.items.map((i) => i.providerId));
    token = page.nextPageToken ?? undefined;
    pages++;
    await between?.(pages);
  } while (token);
  return { seen, pages };
}

beforeAll(async () => {
  h = await startInspur({ servers: IDS.map((id, i) => ({ id, name: `cp-inv-${i + 1}`, tags: [`n=${i + 1}`] })) });
  ({ provider: p } = h.provider());
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('page-number listing', () => {
  it('declares page-number paging that is not a consistent picture', () => {
    expect(definitionOf('inspur-ecs')?.paging).toEqual({ style: 'page_number', consistent: false });
  });

  it.each([10, 7, 45, 100])('lists 45 servers %i per page, none lost or doubled', async (size) => {
    const { seen, pages } = await pass(size);
    expect(pages).toBe(Math.ceil(45 / size));
    expect(seen).toHaveLength(45);
    expect(new Set(seen)).toEqual(new Set(IDS));
  });

  it('asks the page in the path and reads each listed server its tags', async () => {
    const { seen } = await pass(10);
    const calls = await h.recent();
    const lists = calls.filter((c) => /^\/v1\/servers\/\d+\/\d+/.test(c.url)).map((c) => c.url.split('?')[0]);
    expect(lists).toEqual([
      '/v1/servers/1/10',
      '/v1/servers/2/10',
      '/v1/servers/3/10',
      '/v1/servers/4/10',
      '/v1/servers/5/10',
    ]);
    expect(calls.filter((c) => c.url.endsWith('/tags'))).toHaveLength(seen.length);
    const first = calls.find((c) => c.url.startsWith('/v1/servers/1/10'))!;
    expect(new URL(first.url, 'http://x').searchParams.toString()).toBe('sortField=createTime&sortOrder=ascend');
    const page = await p.listInstances({ pageSize: 1 });
    expect(page.items[0]?.tags).toEqual({ n: expect.stringMatching(/^\d+$/) });
  });

  it('keeps its page size across a pass whatever size a later call asks', async () => {
    const first = await p.listInstances({ pageSize: 20 });
    const second = await p.listInstances({ pageSize: 3, pageToken: first.nextPageToken! });
    expect(second.items).toHaveLength(20);
  });

  it('caps a page at 100 servers', async () => {
    await p.listInstances({ pageSize: 500 });
    expect((await h.recent()).map((c) => c.url.split('?')[0])).toContain('/v1/servers/1/100');
  });

  it('sees a server created mid-pass on a later page, oldest first', async () => {
    const late = serverId(500);
    const { seen } = await pass(10, async (page) => {
      if (page === 2) await h.control('POST', '/servers/seed', { servers: [{ id: late, name: 'cp-inv-late' }] });
    });
    expect(seen).toHaveLength(46);
    expect(seen.at(-1)).toBe(late);
  });

  it('can miss a server when one before it goes away mid-pass, which is why a pass proves no absence', async () => {
    const { seen } = await pass(10, async (page) => {
      // After page 1, a server of page 1 disappears: everything after it moves up one place.
      if (page === 1) await h.control('POST', `/instances/${IDS[0]}/force`, { to: 'gone' });
    });
    expect(seen).toHaveLength(44);
    expect(new Set(seen).size).toBe(44);
    expect(seen).not.toContain(IDS[10]);
  });
});
